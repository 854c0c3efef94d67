// Staff's station page: the new station's key is copied with one press, or selected whole when
// the box is focused so it can be copied by hand. Without JavaScript the box still shows it.
document.querySelectorAll("[data-select-on-focus]").forEach((field) => {
  field.addEventListener("focus", () => field.select());
});

document.querySelectorAll("button[data-copy]").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) return;
  const label = button.textContent;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = button.dataset.copiedText || label;
    } catch {
      // Copying may be refused (an insecure page, a denied permission): select it to copy by hand.
      field.focus();
      field.select();
    }
  });
});

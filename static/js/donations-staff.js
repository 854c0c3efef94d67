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

// The key is shown in the answer to the registration itself. Reloading that answer would send the
// registration again and make a second station, so the page's history entry becomes the plain
// station list: a reload shows the list, and the key is gone as promised.
if (document.querySelector(".key-once") && window.history.replaceState) {
  window.history.replaceState(null, "", window.location.pathname);
}

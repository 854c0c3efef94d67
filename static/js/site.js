// Behaviour every page shares. Kept out of the HTML: the Content-Security-Policy runs no inline
// script or event handler.
document.querySelectorAll("select[data-submit-on-change]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});

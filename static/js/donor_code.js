// The donor's code page: once the code's time is up, say so instead of leaving a dead code up.
document.querySelectorAll("[data-expires-at]").forEach((expiry) => {
  const expiresAt = Date.parse(expiry.dataset.expiresAt);
  const code = document.querySelector(".donor-code");
  function check() {
    if (Date.now() < expiresAt) return;
    expiry.textContent = expiry.dataset.expiredText;
    expiry.setAttribute("role", "alert");
    if (code) code.classList.add("expired");
    clearInterval(timer);
  }
  const timer = setInterval(check, 1000);
  check();
});

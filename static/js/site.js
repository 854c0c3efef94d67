// Behaviour every page shares. Kept out of the HTML: the Content-Security-Policy runs no inline
// script or event handler.
document.querySelectorAll("select[data-submit-on-change]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});

// A page meant to be kept on paper (the consent receipt) offers the browser's print dialog.
document.querySelectorAll("button[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});

// A form that leads to another page is sent once: a second press of its button while the first
// is on its way (a double click, an impatient tap) would do it twice: two comments, a support
// given and taken back. The buttons stay enabled, since a disabled one would not send its own
// name and value. Listened for on the document, so a form another script handles itself (it
// prevents the browser's sending, as the kiosk's do) is left to it; `data-resend` lets a form
// opt out. `form.submit()` (data-submit-on-change) fires no submit event and is not held.
document.addEventListener("submit", (event) => {
  const form = event.target;
  // Read as attributes: a field named "method" would stand in for form.method.
  const method =
    (event.submitter && event.submitter.getAttribute("formmethod")) || form.getAttribute("method") || "get";
  if (event.defaultPrevented || method.toLowerCase() !== "post" || "resend" in form.dataset) return;
  if ("sent" in form.dataset) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "";
});

// A page restored from the back/forward cache comes back as it was left, sent forms included:
// they may be sent again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  document.querySelectorAll("form[data-sent]").forEach((form) => delete form.dataset.sent);
});

// A counter under each text field that has a limit (`data-max-chars`, set by core.forms). The
// browser is given no maxlength, which would cut pasted text without a word; the counter says how
// much fits, and the server refuses longer text with the field named and the text kept.
document.querySelectorAll("[data-max-chars]").forEach((field) => {
  const limit = Number(field.dataset.maxChars);
  let counter = document.getElementById(field.id + "-counter");
  if (!counter) {
    counter = document.createElement("p");
    counter.className = "meta char-counter";
    counter.id = field.id + "-counter";
    // Under the field's own error, if it has one: the error belongs right under what it is about.
    const next = field.nextElementSibling;
    const error = next && next.classList.contains("errorlist") ? next : null;
    (error || field).insertAdjacentElement("afterend", counter);
  }
  // Every counter is worded alike, as the page says (base.html).
  const countText = document.body.dataset.countText || "{count} / {limit}";
  const overText = document.body.dataset.overText || "";
  const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!described.includes(counter.id)) {
    field.setAttribute("aria-describedby", described.concat(counter.id).join(" "));
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
  }
  function update() {
    // The server counts characters, with each line break as one: so does this (an emoji is
    // one character here, two in String.length).
    const count = Array.from(field.value.replace(/\r\n/g, "\n")).length;
    const values = {count: count.toLocaleString(), limit: limit.toLocaleString(), over: (count - limit).toLocaleString()};
    const over = count > limit;
    counter.classList.toggle("over", over);
    // Two sentences, the count and what to do: set apart, or they read as one ("302/300자 2자 초과").
    counter.textContent = fill(countText, values) + (over && overText ? " · " + fill(overText, values) : "");
  }
  field.addEventListener("input", update);
  update();
});

// The site menu on a phone is a <details>: it also closes on Escape (focus back on "Menu") and
// when the person taps elsewhere on the page, as a drop-down menu does.
document.querySelectorAll("details.site-menu").forEach((menu) => {
  const toggle = menu.querySelector("summary");
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      toggle.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
});

// A form sent back with errors opens on their summary (templates/_error_summary.html): focused, so
// a phone shows it and a screen reader reads it first. A link in it goes to the field itself, its
// label in view above it, ready to type in, where the plain jump would leave the label off the top
// of the screen and the focus where it was. A link to a group of boxes to tick leads to its fieldset
// (templates/_choice_group.html): its legend and error in view, the first box focused.
document.querySelectorAll(".error-summary[tabindex='-1']").forEach((summary) => {
  summary.focus();
  summary.querySelectorAll("a[href^='#']").forEach((link) => {
    link.addEventListener("click", (event) => {
      const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) return;
      const field = target.matches("fieldset")
        ? target.querySelector("input:not([type=hidden]), select, textarea")
        : target;
      if (!field) return;
      event.preventDefault();
      const label = target === field ? document.querySelector(`label[for="${CSS.escape(field.id)}"]`) : null;
      (label || target).scrollIntoView({block: "start"});
      field.focus({preventScroll: true});
    });
  });
});

// A form whose answer is drawn below it, out of sight on a phone (the company profile's preview,
// under the whole form), is sent to that part of the page: its button's formaction ends in the
// part's #id, so the browser opens the page there, with or without this script. The part
// (`data-answer`, tabindex -1) is focused, so a screen reader starts there, as it starts on an error
// summary: Chromium focuses such a part itself when it opens the page there; this does it where a
// browser does not. A form sent back with errors draws no such part, and opens on their summary.
if (window.location.hash && !document.querySelector(".error-summary[tabindex='-1']")) {
  const part = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
  if (part && part.matches("[data-answer]")) part.focus({preventScroll: true});
}

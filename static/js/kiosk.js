// A donation station's screen. The tablet holds the station's key in localStorage (pasted once by
// staff); every call goes to the station API with it. One donor at a time: code → visit → the
// readings as the device posts them → the company's result → back to the start.
(function () {
  const root = document.getElementById("kiosk");
  if (!root) return;
  const STORAGE_KEY = "donationStationKey";
  // Longer than any answer of the station API takes; a close left waiting is tried again after it.
  const REQUEST_TIMEOUT_MS = 10000;
  // The visit on the screen, handed over to the page the language buttons load: the code that
  // opened it is spent, and could not open it again. Only that page takes it up, and only at once;
  // any other load of the screen is the next person's, and must not show this donor's readings.
  const VISIT_KEY = "donationStationVisit";
  const HANDOVER_MS = 15000;
  const api = root.dataset.api;
  const pollMs = Number(root.dataset.pollMs) || 2000;
  const resetSeconds = Number(root.dataset.resetSeconds) || 45;
  const strings = JSON.parse(document.getElementById("kiosk-strings").textContent);
  const language = document.documentElement.lang || "ko";
  const $ = (id) => document.getElementById(id);
  const steps = {setup: $("kiosk-setup"), welcome: $("kiosk-welcome"), visit: $("kiosk-visit")};
  const defaultStationName = $("kiosk-station-name").textContent;

  let visitId = null;
  let pollTimer = null;
  let resetTimer = null;
  let resetAt = null;
  // The countdown a visit taken over had left: a reload does not give its result more time.
  let resumedResetAt = null;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
  }

  function show(name) {
    Object.entries(steps).forEach(([key, section]) => { section.hidden = key !== name; });
    // Only between donors, and closed again at every step: a donor never finds it left open.
    $("kiosk-staff").hidden = name !== "welcome";
    closeStaff();
    const focus = {setup: "kiosk-key", welcome: "kiosk-code", visit: "kiosk-visit-title"}[name];
    if (focus) {
      const element = $(focus);
      if (name === "visit") element.setAttribute("tabindex", "-1");
      element.focus();
    }
  }

  // The station API in the screen's language; errors come back as {error: {message}}.
  async function call(method, path, body, key) {
    const headers = {
      "Authorization": "Station " + (key || localStorage.getItem(STORAGE_KEY) || ""),
      "Accept": "application/json",
      "Accept-Language": language,
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    // An answer that never comes would hold the screen: a visit is not closed again while a
    // close waits. Unanswered or unreachable, the screen says the connection failed in its own
    // words, not the browser's ("Failed to fetch").
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    let response;
    let data = null;
    try {
      response = await fetch(api + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit",
        signal: controller.signal,
      });
      try { data = await response.json(); } catch (error) { data = null; }
    } catch (error) {
      const failure = new Error(strings.offline);
      failure.status = 0;
      throw failure;
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) {
      const message = data && data.error ? data.error.message : strings.offline;
      const failure = new Error(message);
      failure.status = response.status;
      throw failure;
    }
    return data;
  }

  function text(tag, className, content) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (content !== undefined && content !== null) element.textContent = content;
    return element;
  }

  // A name staff wrote in Korean only comes in Korean on an English screen: marked `lang` for a
  // screen reader, with no note after it. Each step of the screen says so once, below what it
  // names (#kiosk-takes-note, #kiosk-visit-note), as the site's pages do: a note after each name
  // would come up to once a line, and twice on a screen with a reading and its result.
  function inKoreanOnly(labelLanguage) {
    return Boolean(labelLanguage) && labelLanguage !== language;
  }

  function nameNode(label, labelLanguage) {
    if (!inKoreanOnly(labelLanguage)) return document.createTextNode(label);
    const korean = text("span", null, label);
    korean.lang = labelLanguage;
    return korean;
  }

  function labelElement(tag, label, labelLanguage) {
    const element = text(tag);
    element.append(nameNode(label, labelLanguage));
    return element;
  }

  // A template's words with nodes in place of its {names}, so a name keeps its own `lang`.
  function fillNodes(element, template, values) {
    template.split(/(\{\w+\})/).forEach((part) => {
      const name = /^\{(\w+)\}$/.exec(part);
      element.append(name && name[1] in values ? values[name[1]] : part);
    });
    return element;
  }

  function formatNumber(value) {
    return Number(value).toLocaleString(language, {maximumFractionDigits: 2});
  }

  // A time as the pages write it (config/formats: "오전 3:09", "3:09 a.m."), in the site's time
  // zone, so a reading reads the same here as on My donations.
  const clock = new Intl.DateTimeFormat(language, {
    hour: "numeric", minute: "2-digit", hour12: true, timeZone: root.dataset.timeZone || undefined,
  });

  function formatTime(iso) {
    return clock.formatToParts(new Date(iso)).map((part) => {
      // The browser's English "AM" is the pages' "a.m."; its Korean "오전" is already theirs.
      if (part.type === "dayPeriod") return strings.dayPeriods[part.value] || part.value;
      return part.type === "literal" && !part.value.trim() ? "\u00a0" : part.value;
    }).join("");
  }

  // A place or pilot title staff wrote in Korean only comes in Korean on an English screen, and
  // says so: in one note at the end of the header, naming the place where the title is not
  // the only one in Korean, rather than a note after each.
  function noteKoreanOnly(place, pilot) {
    const note = $("kiosk-korean-note");
    note.hidden = !(place || pilot);
    note.textContent = place ? (pilot ? strings.placeAndPilotKoreanOnly : strings.placeKoreanOnly) : strings.koreanOnly;
  }

  async function loadStation(key) {
    const station = await call("GET", "", undefined, key);
    $("kiosk-station-name").textContent = station.name;
    $("kiosk-station-name").lang = station.name_language;
    $("kiosk-pilot-title").textContent = station.pilot_title;
    $("kiosk-pilot-title").lang = station.pilot_title_language;
    noteKoreanOnly(station.name_language !== language, station.pilot_title_language !== language);
    const requests = station.data_requests;
    const names = text("span");
    requests.forEach((request, index) => {
      if (index) names.append(", ");
      names.append(nameNode(request.label, request.label_language));
    });
    $("kiosk-takes").replaceChildren();
    if (requests.length) fillNodes($("kiosk-takes"), strings.takes, {categories: names});
    $("kiosk-takes-note").hidden = !requests.some((request) => inKoreanOnly(request.label_language));
    showFirstTime(station);
    return station;
  }

  // Help for a passer-by with no code, by the pilot's stage: how to volunteer while it recruits,
  // else that the station serves the pilot's volunteers only.
  function showFirstTime(station) {
    const recruiting = Boolean(station.is_recruiting && station.pilot_url_qr);
    $("kiosk-first-time-recruiting").hidden = !recruiting;
    $("kiosk-first-time-volunteers-only").hidden = recruiting;
    $("kiosk-pilot-url").textContent = recruiting ? station.pilot_url : "";
    if (recruiting) $("kiosk-pilot-qr").src = station.pilot_url_qr;
    else $("kiosk-pilot-qr").removeAttribute("src");
  }

  // Checked with the station API before it is kept, so a wrong key never replaces a working one.
  async function saveKey(key) {
    $("kiosk-setup-error").textContent = "";
    try {
      await loadStation(key);
    } catch (error) {
      $("kiosk-setup-error").textContent = error.message;
      return false;
    }
    localStorage.setItem(STORAGE_KEY, key);
    show("welcome");
    return true;
  }

  // A link from staff's station page (or `make run`) may carry the key in the fragment, which
  // browsers never send to the server; it leaves the address bar at once.
  async function takeLinkedKey() {
    const linkedKey = new URLSearchParams(window.location.hash.slice(1)).get("key");
    if (!linkedKey) return false;
    history.replaceState(null, "", window.location.pathname + window.location.search);
    stopVisit();
    if (!(await saveKey(linkedKey.trim()))) show("setup");
    return true;
  }

  // Followed while the kiosk is already open, such a link changes only the fragment.
  window.addEventListener("hashchange", takeLinkedKey);

  async function start() {
    if (await takeLinkedKey()) return;
    if (!localStorage.getItem(STORAGE_KEY)) {
      show("setup");
      return;
    }
    try {
      await loadStation();
      show("welcome");
      await resumeVisit();
    } catch (error) {
      if (error.status === 401 || error.status === 403) {
        $("kiosk-setup-error").textContent = error.message;
        show("setup");
      } else {
        $("kiosk-code-error").textContent = error.message;
        show("welcome");
      }
    }
  }

  $("kiosk-setup-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (await saveKey($("kiosk-key").value.trim())) $("kiosk-key").value = "";
  });

  function askToForget(asking) {
    $("kiosk-forget-ask").hidden = asking;
    $("kiosk-forget-confirm").hidden = !asking;
    $(asking ? "kiosk-forget-key" : "kiosk-forget").focus();
  }

  function closeStaff() {
    $("kiosk-staff").open = false;
    $("kiosk-forget-ask").hidden = false;
    $("kiosk-forget-confirm").hidden = true;
    $("kiosk-forget-key").value = "";
    $("kiosk-forget-key").removeAttribute("aria-invalid");
    $("kiosk-forget-error").textContent = "";
  }

  $("kiosk-staff").addEventListener("toggle", () => {
    if (!$("kiosk-staff").open) closeStaff();
  });
  $("kiosk-forget").addEventListener("click", () => askToForget(true));
  $("kiosk-forget-no").addEventListener("click", () => askToForget(false));

  $("kiosk-forget-yes").addEventListener("click", () => {
    // Only someone who holds the key may take it off: the tablet stands in a public place.
    const typed = $("kiosk-forget-key");
    if (typed.value.trim() !== localStorage.getItem(STORAGE_KEY)) {
      $("kiosk-forget-error").textContent = strings.notThisKey;
      typed.setAttribute("aria-invalid", "true");
      typed.focus();
      return;
    }
    stopVisit();
    localStorage.removeItem(STORAGE_KEY);
    // Back to the page's own heading, not an empty one, until a station is set up again.
    $("kiosk-station-name").textContent = defaultStationName;
    $("kiosk-station-name").removeAttribute("lang");
    $("kiosk-pilot-title").textContent = "";
    $("kiosk-pilot-title").removeAttribute("lang");
    noteKoreanOnly(false, false);
    showFirstTime({});
    show("setup");
  });

  $("kiosk-code-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("kiosk-code");
    $("kiosk-code-error").textContent = "";
    input.removeAttribute("aria-invalid");
    try {
      const visit = await call("POST", "visits/", {code: input.value});
      input.value = "";
      beginVisit(visit);
    } catch (error) {
      if (error.status === 401) {
        // The key was revoked since: staff must set the tablet up again.
        $("kiosk-setup-error").textContent = error.message;
        show("setup");
        return;
      }
      $("kiosk-code-error").textContent = error.message;
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  });

  document.querySelector(".kiosk-language").addEventListener("submit", () => {
    if (visitId === null) return;
    const counting = resetTimer !== null ? resetAt : null;
    sessionStorage.setItem(VISIT_KEY, JSON.stringify({id: visitId, resetAt: counting, savedAt: Date.now()}));
  });

  async function resumeVisit() {
    const raw = sessionStorage.getItem(VISIT_KEY);
    sessionStorage.removeItem(VISIT_KEY);
    if (!raw) return;
    let kept = null;
    try { kept = JSON.parse(raw); } catch (error) { return; }
    const stale = Date.now() - kept.savedAt > HANDOVER_MS;
    const timedOut = kept.resetAt !== null && kept.resetAt <= Date.now();
    if (stale || timedOut) {
      call("POST", "visits/" + kept.id + "/close/").catch(() => {});
      return;
    }
    try {
      const visit = await call("GET", "visits/" + kept.id + "/");
      if (!visit.is_open) return;
      resumedResetAt = kept.resetAt;
      beginVisit(visit, true);
    } catch (error) {
      // Closed or gone meanwhile: the screen starts afresh.
    }
  }

  // `polled`: the visit as a poll gives it, readings and results included.
  function beginVisit(visit, polled) {
    visitId = visit.id;
    $("kiosk-readings").replaceChildren();
    $("kiosk-results").replaceChildren();
    $("kiosk-visit-note").hidden = true;
    $("kiosk-visit-error").textContent = "";
    clearCloseErrors();
    $("kiosk-countdown").textContent = "";
    $("kiosk-visit-title").textContent = $("kiosk-visit-title").dataset.measureText;
    $("kiosk-status").textContent = strings.measuring;
    $("kiosk-status").classList.add("kiosk-busy");
    // Told as each poll tells it (nothing to measure, say); a visit just opened holds no reading
    // or result yet, and the answer opening it lists none.
    render(polled ? visit : {...visit, readings: [], results: []});
    show("visit");
    poll();
  }

  async function poll() {
    clearTimeout(pollTimer);
    if (visitId === null) return;
    const polled = visitId;
    try {
      const visit = await call("GET", "visits/" + polled + "/");
      if (polled !== visitId) return;
      $("kiosk-visit-error").textContent = "";
      if (!visit.is_open) {
        finish();
        return;
      }
      render(visit);
    } catch (error) {
      if (polled !== visitId) return;
      if (error.status === 404 || error.status === 401) {
        finish();
        return;
      }
      $("kiosk-visit-error").textContent = error.message;
    }
    pollTimer = setTimeout(poll, pollMs);
  }

  // "Done" only once the reading is in (or there is nothing to measure): offered mid-measurement,
  // it would send the donor off with the device still taking their reading.
  function offerDone(visit) {
    $("kiosk-done").hidden = visit.categories.length > 0 && !visit.readings?.length && !visit.results?.length;
    // Until then, a way back to the start that says it stops: the donor may change their mind,
    // or the device may never measure, and the next person must not wait for the visit to lapse.
    $("kiosk-cancel").hidden = !$("kiosk-done").hidden;
    if ($("kiosk-cancel").hidden) clearCloseErrors("cancel");
  }

  // The result's countdown has run out (closeVisit is trying to close the visit meanwhile).
  function resultTimeUp() {
    return resetAt !== null && Date.now() >= resetAt;
  }

  function render(visit) {
    offerDone(visit);
    const readings = $("kiosk-readings");
    const results = $("kiosk-results");
    // Polls go on while a close is refused (they still find the visit closed or gone), but once
    // the result's time is up they must not draw the donor's figures back on the public screen.
    if (!resultTimeUp()) {
      if (readings.children.length !== visit.readings.length) {
        readings.replaceChildren(...visit.readings.map(renderReading));
      }
      if (results.children.length !== visit.results.length) {
        results.replaceChildren(...visit.results.map((result) => renderResult(result, visit.readings)));
      }
    }
    // Only a name in Korean on an English screen carries a `lang` of its own (`nameNode`).
    $("kiosk-visit-note").hidden = !(readings.querySelector("[lang]") || results.querySelector("[lang]"));
    if (visit.results.length) {
      $("kiosk-visit-title").textContent = strings.resultTitle;
      $("kiosk-status").textContent = "";
      $("kiosk-status").classList.remove("kiosk-busy");
      startCountdown();
    } else if (visit.readings.length) {
      // The reading is in: the screen no longer asks them to keep their arm in the cuff.
      $("kiosk-visit-title").textContent = strings.readingTaken;
      $("kiosk-status").textContent = strings.waitingResult;
    } else if (!visit.categories.length) {
      // No consent (withdrawn while at the station, say): the device's reading would be refused,
      // so the screen stops asking for their arm, says why, and lets them go.
      $("kiosk-visit-title").textContent = strings.noConsent;
      $("kiosk-status").textContent = strings.consentFirst;
      $("kiosk-status").classList.remove("kiosk-busy");
    }
  }

  function renderReading(reading) {
    const card = text("section", "kiosk-reading");
    card.append(labelElement("h2", reading.category_label, reading.category_label_language));
    const list = text("dl", "kiosk-values");
    reading.values.forEach((item) => {
      const row = text("div", "kiosk-value");
      row.append(labelElement("dt", item.label, item.label_language));
      const value = text("dd");
      value.append(text("span", "kiosk-number", formatNumber(item.value)), text("span", "kiosk-unit", " " + item.unit));
      row.append(value);
      list.append(row);
    });
    card.append(list, text("p", "meta kiosk-measured", fill(strings.measuredAt, {time: formatTime(reading.measured_at)})));
    return card;
  }

  // A level is told in words and a sign as well as a colour: colour alone reaches not everyone.
  const LEVEL_SIGNS = {normal: "✓", watch: "!", see_doctor: "⚠"};

  function renderResult(result, readings) {
    const card = text("section", "kiosk-result" + (result.level ? " level-" + result.level : ""));
    // Which reading the verdict is about: with several on the screen, the donor could not tell.
    const about = readings.filter((reading) => reading.donation_id === result.donation_id).pop();
    if (about) {
      card.append(fillNodes(text("p", "kiosk-result-about"), strings.resultAbout, {
        category: nameNode(about.category_label, about.category_label_language),
        time: formatTime(about.measured_at),
      }));
    }
    if (result.level) {
      const level = text("p", "kiosk-level");
      level.append(text("span", "kiosk-level-sign", LEVEL_SIGNS[result.level] || ""), text("span", null, result.level_label));
      level.firstChild.setAttribute("aria-hidden", "true");
      card.append(level);
    }
    card.append(text("p", "kiosk-result-text", result.text));
    // A result whose words already give its number is not told the number twice.
    if (result.value !== null && !result.value_stated) {
      const value = text("p", "kiosk-result-value");
      value.append(
        resultValueLabel(result, about),
        text("span", null, formatNumber(result.value) + (result.unit ? " " + result.unit : "")),
      );
      card.append(value);
    }
    card.append(text("p", "meta", fill(strings.by, {company: result.company})));
    return card;
  }

  // What the result's figure is a measure of: the reading's value it repeats (the same number, in
  // the same unit), else the reading's one value in its unit. The result gives only a number
  // and a unit; with no such value (or several) it is left unnamed rather than guessed.
  function measuredValue(result, reading) {
    if (!reading) return null;
    const unit = (result.unit || "").trim().toLowerCase();
    const inUnit = reading.values.filter((item) => !unit || (item.unit || "").trim().toLowerCase() === unit);
    const same = inUnit.filter((item) => Number(item.value) === Number(result.value));
    if (same.length === 1) return same[0];
    return unit && inUnit.length === 1 ? inUnit[0] : null;
  }

  // "Systolic blood pressure in the result": what was measured, and that the figure is the
  // company's, not to be taken for the reading above it (it may differ from it).
  function resultValueLabel(result, reading) {
    const label = text("span", "kiosk-result-value-label");
    const measured = measuredValue(result, reading);
    if (!measured) {
      label.textContent = strings.resultValue;
      return label;
    }
    return fillNodes(label, strings.resultValueOf, {name: nameNode(measured.label, measured.label_language)});
  }

  function startCountdown() {
    if (resetTimer !== null) return;
    resetAt = resumedResetAt !== null ? resumedResetAt : Date.now() + resetSeconds * 1000;
    resumedResetAt = null;
    const tick = () => {
      const left = Math.max(0, Math.ceil((resetAt - Date.now()) / 1000));
      $("kiosk-countdown").textContent = fill(strings.resetIn, {seconds: left});
      // Until the visit is closed the result stays, saying so; each second tries again.
      if (left === 0) closeVisit("done");
    };
    resetTimer = setInterval(tick, 1000);
    tick();
  }

  function stopVisit() {
    clearTimeout(pollTimer);
    clearInterval(resetTimer);
    resetTimer = null;
    visitId = null;
    resetAt = null;
    resumedResetAt = null;
  }

  // Back to the start, once the visit is closed (closeVisit) or found closed by a poll.
  function finish() {
    stopVisit();
    $("kiosk-readings").replaceChildren();
    $("kiosk-results").replaceChildren();
    $("kiosk-visit-note").hidden = true;
    clearCloseErrors();
    show("welcome");
    // A station stands for weeks: between donors it learns again whether its pilot recruits.
    // Unreachable, it keeps what it showed; the next code typed says what is wrong.
    loadStation().catch(() => {});
  }

  // How the visit ends from the screen: cancelled while measuring, or done (by the donor, or by
  // the countdown after a result), each with its button and the place that says it failed.
  const ENDINGS = {
    cancel: {button: "kiosk-cancel", error: "kiosk-cancel-error", failed: strings.cancelFailed},
    done: {button: "kiosk-done", error: "kiosk-done-error", failed: strings.closeFailed},
  };
  let closeInFlight = false;

  // What a failed close said, taken off: of every ending, or only of the one named.
  function clearCloseErrors(how) {
    Object.entries(ENDINGS).forEach(([name, ending]) => {
      if (!how || name === how) $(ending.error).textContent = "";
    });
  }

  // Closing waits for the station API's answer: a visit left open would take the reading the
  // device sends late for this donor, after the screen had moved on to the next person. Refused
  // or unanswered, the screen stays on the visit and says so; the donor or staff may try again.
  async function closeVisit(how) {
    const ending = ENDINGS[how];
    const button = $(ending.button);
    const closing = visitId;
    if (closing === null || closeInFlight) return;
    closeInFlight = true;
    button.disabled = true;
    try {
      await call("POST", "visits/" + closing + "/close/");
    } catch (error) {
      // Gone or no longer this station's: there is nothing left open to take a reading.
      if (error.status !== 404) {
        // Set only when it changes: the countdown tries again each second, and an alert set
        // again each time would be read out each time.
        if (closing === visitId && $(ending.error).textContent !== ending.failed) {
          $(ending.error).textContent = ending.failed;
        }
        // A public screen: once the result's time is up, the donor's figures leave it even while
        // the visit cannot be closed; only the note that it could not be closed stays.
        if (closing === visitId && how === "done" && resultTimeUp()) {
          $("kiosk-readings").replaceChildren();
          $("kiosk-results").replaceChildren();
        }
        return;
      }
    } finally {
      closeInFlight = false;
      button.disabled = false;
    }
    if (closing === visitId) finish();
  }

  $("kiosk-done").addEventListener("click", () => closeVisit("done"));
  $("kiosk-cancel").addEventListener("click", () => closeVisit("cancel"));

  start();
})();

// Keeps an import's progress (a CSV import job, or a OneRoster export being checked or
// applied) up to date by polling its JSON status, then shows the result.
// Without this script the page still works: the reader reloads it.
(function () {
  "use strict";

  const box = document.querySelector("[data-import-status-url]");
  if (!box) {
    return;
  }
  const url = box.getAttribute("data-import-status-url");
  const bar = box.querySelector("progress");
  const phase = box.querySelector("[data-import-phase]");
  const live = box.querySelector("[data-import-live]");
  const refresh = box.querySelector("[data-import-refresh]");
  const POLL_MS = 1000;
  // Screen readers hear the status when the step changes, and otherwise at most this often.
  const ANNOUNCE_MS = 10000;
  // The step the page was drawn at: a change from it is announced.
  let lastPhase = box.getAttribute("data-import-phase-at");
  let lastAnnounced = Date.now();
  let failures = 0;

  if (refresh) {
    refresh.hidden = true;
  }

  function show(state) {
    if (state.total > 0) {
      bar.max = state.total;
      bar.value = state.done;
      bar.textContent = state.done + " of " + state.total;
    }
    const phaseChanged = state.phase !== lastPhase;
    lastPhase = state.phase;
    // A OneRoster export's status names its own step; a CSV import's has two.
    phase.textContent =
      state.heading ||
      (state.phase === "writing" ? "Step 2 of 2: saving" : "Step 1 of 2: checking every row");
    const now = Date.now();
    if (state.finished || phaseChanged || now - lastAnnounced >= ANNOUNCE_MS) {
      live.textContent = state.message;
      lastAnnounced = now;
    }
  }

  function giveUp() {
    live.textContent = "Progress could not be updated. Refresh this page to see how far it has got.";
    if (refresh) {
      refresh.hidden = false;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        show(state);
        if (state.finished) {
          live.textContent = state.message + " Showing the result.";
          window.location.reload();
        } else {
          window.setTimeout(poll, POLL_MS);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures >= 5) {
          giveUp();
        } else {
          window.setTimeout(poll, POLL_MS * 2 * failures);
        }
      });
  }

  window.setTimeout(poll, POLL_MS);
})();

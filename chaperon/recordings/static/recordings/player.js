// Plays a recording's tracks side by side, in step: each track starts at its own offset (the
// moment that person's stream began). Without this script each video still plays on its own.
(function () {
  "use strict";

  const player = document.querySelector("[data-player]");
  if (!player) {
    return;
  }
  const videos = Array.from(player.querySelectorAll("video"));
  // Playing here only: no menu offering to save the video.
  videos.forEach(function (video) {
    video.addEventListener("contextmenu", function (event) {
      event.preventDefault();
    });
    learnLength(video);
  });

  // A WebM made by a browser's recorder does not say how long it is, so the browser shows
  // its length as unknown and each slider sits at the end. Asking for a moment far past the
  // end makes the browser find the real end (reading the last bytes of the track), after
  // which it knows the length; the video is then put back at the start.
  function learnLength(video) {
    function ask() {
      if (isFinite(video.duration)) {
        return;
      }
      video.addEventListener("durationchange", function back() {
        if (isFinite(video.duration)) {
          video.removeEventListener("durationchange", back);
          video.currentTime = 0;
        }
      });
      video.currentTime = 1e101;
    }
    if (video.readyState >= 1) {
      ask();
    } else {
      video.addEventListener("loadedmetadata", ask, { once: true });
    }
  }

  if (videos.length < 2) {
    return;
  }
  const toggle = player.querySelector("[data-player-toggle]");
  const position = player.querySelector("[data-player-position]");
  const label = player.querySelector("[data-player-position-label]");
  const clock = player.querySelector("[data-player-clock]");
  const DRIFT_SECONDS = 0.35;
  let timeline = 0;
  let startedAt = null; // performance.now() when the timeline was last started
  let timer = null;

  function offsetOf(video) {
    return parseFloat(video.getAttribute("data-offset")) || 0;
  }

  // The length the browser found, else the one the server knows (from the track's first
  // chunk to its writer closing it).
  function lengthOf(video) {
    if (isFinite(video.duration)) {
      return video.duration;
    }
    return parseFloat(video.getAttribute("data-duration")) || 0;
  }

  function totalLength() {
    return Math.max.apply(null, videos.map(function (video) {
      return offsetOf(video) + lengthOf(video);
    }));
  }

  function formatted(seconds) {
    const whole = Math.floor(seconds);
    const rest = whole % 60;
    return Math.floor(whole / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function now() {
    return startedAt === null ? timeline : timeline + (performance.now() - startedAt) / 1000;
  }

  function place(at, playing) {
    videos.forEach(function (video) {
      const local = at - offsetOf(video);
      const length = lengthOf(video);
      if (local < 0 || (length && local > length)) {
        video.pause();
        return;
      }
      if (Math.abs(video.currentTime - local) > DRIFT_SECONDS) {
        video.currentTime = local;
      }
      if (playing && video.paused) {
        video.play().catch(function () {});
      }
      if (!playing && !video.paused) {
        video.pause();
      }
    });
    position.max = String(Math.max(totalLength(), at));
    position.value = String(at);
    clock.textContent = formatted(at);
  }

  function tick() {
    place(now(), true);
  }

  function start() {
    startedAt = performance.now();
    toggle.textContent = "Pause all";
    tick();
    timer = window.setInterval(tick, 250);
  }

  function stop() {
    timeline = now();
    startedAt = null;
    window.clearInterval(timer);
    timer = null;
    toggle.textContent = "Play all";
    place(timeline, false);
  }

  toggle.addEventListener("click", function () {
    if (timer === null) {
      start();
    } else {
      stop();
    }
  });
  position.addEventListener("input", function () {
    timeline = parseFloat(position.value) || 0;
    if (startedAt !== null) {
      startedAt = performance.now();
    }
    place(timeline, timer !== null);
  });
  videos.forEach(function (video) {
    ["loadedmetadata", "durationchange"].forEach(function (name) {
      video.addEventListener(name, function () {
        if (timer === null) {
          position.max = String(Math.max(totalLength(), timeline));
        }
      });
    });
  });
  position.max = String(totalLength());
  [toggle, position, label, clock].forEach(function (element) {
    element.hidden = false;
  });
})();

/* The pre-call check of staff (SES-14): camera preview, background blur (blur.js), microphone
 * level, the room's server and the TURN relay. What it finds goes with the form the member of
 * staff submits. */
(function () {
  "use strict";

  const root = document.getElementById("check");
  if (!root) { return; }
  const $ = function (id) { return document.getElementById(id); };
  const turn = root.dataset.turn === "yes";
  const found = {
    camera: false, microphone: false, signalling: false,
    relay: turn ? "failed" : "not_configured",
    blur: "unavailable", // "off" once it can run here, "on" when chosen
  };
  // For tests and diagnostics.
  window.chaperonCheck = found;

  function keep() {
    document.querySelector("input[name=camera]").value = found.camera ? "true" : "false";
    document.querySelector("input[name=microphone]").value = found.microphone ? "true" : "false";
    document.querySelector("input[name=signalling]").value = found.signalling ? "true" : "false";
    document.querySelector("input[name=relay]").value = found.relay;
    document.querySelector("input[name=blur]").value = found.blur;
  }
  keep();

  // Camera and microphone ------------------------------------------------------------------

  let stream = null;
  let audio = null;

  function levels(media) {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || !media.getAudioTracks().length) {
      $("level-status").textContent = "No microphone was found. Plug one in and reload this page.";
      return;
    }
    audio = new Context();
    const analyser = audio.createAnalyser();
    analyser.fftSize = 1024;
    audio.createMediaStreamSource(media).connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    let said = "", saidAt = 0;
    setInterval(function () {
      if (audio.state === "suspended") { audio.resume().catch(function () {}); }
      analyser.getByteTimeDomainData(samples);
      let peak = 0;
      for (let i = 0; i < samples.length; i += 1) { peak = Math.max(peak, Math.abs(samples[i] - 128)); }
      const level = Math.min(100, Math.round(peak / 64 * 100));
      $("level-meter").value = level;
      $("level-meter").textContent = String(level);
      if (level >= 5 && !found.microphone) { found.microphone = true; keep(); }
      // The live region says what changed, at most every two seconds.
      const text = level >= 5 ? "We can hear your microphone." :
        (found.microphone ? "Quiet at the moment; your microphone works." : "No sound from your microphone yet. Say something.");
      if (text !== said && Date.now() - saidAt > 2000) {
        said = text;
        saidAt = Date.now();
        $("level-status").textContent = text;
      }
    }, 100);
  }

  // A page without a gesture may not start sound processing: the first click starts it.
  document.addEventListener("click", function () {
    if (audio && audio.state === "suspended") { audio.resume().catch(function () {}); }
  });

  function media() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      $("camera-result").textContent = "This browser cannot use a camera here. Try an up-to-date browser.";
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: true, audio: true }).then(function (got) {
      stream = got;
      $("check-video").srcObject = got;
      const video = got.getVideoTracks()[0];
      found.camera = !!video && video.readyState === "live";
      keep();
      $("camera-result").textContent = found.camera ?
        "Your camera works: this is what others will see behind you." :
        "No camera was found. Plug one in and reload this page.";
      levels(got);
      blur(got);
    }).catch(function () {
      $("camera-result").textContent = "Your camera and microphone could not start. Allow them for this site, then reload this page.";
      $("level-status").textContent = "The microphone could not start.";
    });
  }

  // Background blur: offered once the model runs here; the room sends the camera as chosen.

  let blurrer = null;

  function blur(media) {
    const toggle = $("blur-switch");
    const say = function (text) { $("blur-result").textContent = text; };
    const unavailable = function () {
      found.blur = "unavailable";
      keep();
      toggle.checked = false;
      toggle.disabled = true;
      say("Background blur is not available on this device: choose a plain background, or a place where nothing personal shows, and carry on.");
    };
    if (!window.chaperonBlur || !media.getVideoTracks().length) { unavailable(); return; }
    say("Getting background blur ready…");
    window.chaperonBlur.start(media, { on: false }).then(function (started) {
      blurrer = started;
      found.blur = "off";
      keep();
      toggle.disabled = false;
      say("Background blur is ready: turn it on to blur what is behind you, in this preview and in the room.");
      toggle.addEventListener("change", function () {
        blurrer.setOn(toggle.checked);
        $("check-video").srcObject = toggle.checked ? blurrer.stream : media;
        $("check-video").play().catch(function () {});
        found.blur = toggle.checked ? "on" : "off";
        keep();
        say(toggle.checked ? "Your background is blurred in the preview: check that it hides what is behind you." :
          "Background blur is off: the preview shows what is behind you.");
      });
    }, unavailable);
  }

  // The room's server ------------------------------------------------------------------------

  function signalling() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(scheme + "//" + window.location.host + root.dataset.socketPath);
    const say = function (text) { $("signalling-result").textContent = text; };
    const timer = setTimeout(function () { socket.close(); }, 10000);
    socket.addEventListener("open", function () { socket.send(JSON.stringify({ type: "ping" })); });
    socket.addEventListener("message", function (event) {
      if (JSON.parse(event.data).type === "pong") {
        found.signalling = true;
        keep();
        say("The room's server answers.");
        clearTimeout(timer);
        socket.close(1000);
      }
    });
    socket.addEventListener("close", function () {
      if (!found.signalling) { say("The room's server could not be reached. Check your connection, then reload this page."); }
    });
  }

  // The TURN relay: gather one relay candidate with a credential that lasts a few minutes.

  function relay() {
    if (!turn) { return; }
    const say = function (text) { $("relay-result").textContent = text; };
    const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
    fetch(root.dataset.relayUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token },
    }).then(function (response) {
      if (!response.ok) { throw new Error("refused"); }
      return response.json();
    }).then(function (data) {
      const pc = new RTCPeerConnection({ iceServers: data.ice_servers, iceTransportPolicy: "relay" });
      let done = false;
      const finish = function (reached) {
        if (done) { return; }
        done = true;
        pc.close();
        found.relay = reached ? "reached" : "failed";
        keep();
        say(reached ? "The relay (TURN) server answers: calls can connect even through strict networks." :
          "The relay (TURN) server could not be reached. Calls may not connect from this network: tell your ICT staff.");
      };
      pc.onicecandidate = function (event) {
        if (event.candidate && / typ relay /.test(event.candidate.candidate)) { finish(true); }
        else if (!event.candidate) { finish(false); }
      };
      pc.createDataChannel("check");
      pc.createOffer().then(function (offer) { return pc.setLocalDescription(offer); });
      setTimeout(function () { finish(false); }, 15000);
    }).catch(function () {
      say("The relay (TURN) server could not be reached. Calls may not connect from this network: tell your ICT staff.");
    });
  }

  // Leaving the page stops the camera and microphone.
  window.addEventListener("pagehide", function () {
    if (blurrer) { blurrer.stop(); }
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    if (audio) { audio.close(); }
  });

  media();
  signalling();
  relay();
})();

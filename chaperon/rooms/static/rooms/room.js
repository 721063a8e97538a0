/* Chaperon live room: WebRTC full mesh, signalling over the room's WebSocket.
 * The server decides everything (who is in, who may send what); this page shows its state
 * and carries media. Protocol: docs/rooms.md. */
(function () {
  "use strict";

  const root = document.getElementById("room");
  if (!root) { return; }
  const $ = function (id) { return document.getElementById(id); };

  const room = {
    view: null,
    socket: null,
    local: null,
    peers: new Map(),
    recorder: null,
    screen: null,
    skew: 0,
    closedFor: null,
    question: null,
  };
  // For tests and diagnostics: the peer connections by participant id, and the last state.
  window.chaperonRoom = room;
  // Group sessions and webinars on the media server (sfu.js): the same page, another carrier.
  room.sfu = window.chaperonSfu ? window.chaperonSfu({
    send: function (message) { send(message); },
    view: function () { return room.view; },
    local: function () { return room.local; },
    screen: function () { return room.screen; },
    tileFor: function (person) { return tileFor(person); },
    notice: function (text) { notice(text); },
    allowedCandidate: function (candidate) { return allowedCandidate(candidate); },
  }) : null;
  function onSfu(view) { return !!room.sfu && view.room.media === "sfu"; }

  function send(message) {
    if (room.socket && room.socket.readyState === WebSocket.OPEN) {
      room.socket.send(JSON.stringify(message));
    }
  }

  function notice(text) { $("notice").textContent = text; }
  function alertText(text) { $("alert").textContent = text; }

  function show(id, visible) { $(id).hidden = !visible; }

  // Media ---------------------------------------------------------------------------------

  function startMedia() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      alertText("This browser cannot use a camera here. Try an up-to-date browser.");
      return Promise.resolve(null);
    }
    // ROOM-3: camera and microphone on by default, unless the families chose audio only
    // (SES-12): then no camera is asked for at all.
    const audioOnly = root.dataset.audioOnly === "yes";
    if (audioOnly) { show("camera-button", false); }
    return navigator.mediaDevices.getUserMedia({
      video: audioOnly ? false : { width: { ideal: 640 }, height: { ideal: 480 } },
      audio: true,
    }).then(function (stream) {
      // SES-14: blurred for staff who chose background blur in their check (blur.js).
      return window.chaperonBlur ? window.chaperonBlur.forRoom(stream) : stream;
    }).then(function (stream) {
      room.local = stream;
      $("local-video").srcObject = stream;
      return stream;
    }).catch(function () {
      alertText("Your camera and microphone are needed for this session. Allow them and reload the page.");
      return null;
    });
  }

  function setTrack(kind, on) {
    if (!room.local) { return; }
    room.local.getTracks().forEach(function (track) {
      if (track.kind === kind) { track.enabled = on; }
    });
    const button = kind === "audio" ? $("mic-button") : $("camera-button");
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = (kind === "audio" ? "Microphone " : "Camera ") + (on ? "on" : "off");
  }

  $("mic-button").addEventListener("click", function () {
    setTrack("audio", $("mic-button").getAttribute("aria-pressed") !== "true");
  });
  $("camera-button").addEventListener("click", function () {
    setTrack("video", $("camera-button").getAttribute("aria-pressed") !== "true");
  });

  // Peers (full mesh: the lower participant id makes the offer) -----------------------------

  function allowedCandidate(candidate) {
    const only = room.view && room.view.ice_only_address;
    if (!only || !candidate || !candidate.candidate) { return true; }
    return candidate.candidate.indexOf(" " + only + " ") !== -1;
  }

  function trackKinds() {
    const kinds = {};
    if (room.local) {
      room.local.getTracks().forEach(function (track) {
        kinds[track.id] = track.kind === "audio" ? "microphone" : "camera";
      });
    }
    return kinds;
  }

  function tileFor(person) {
    const id = "tile-" + person.id;
    let tile = $(id);
    if (!tile) {
      tile = document.createElement("figure");
      tile.className = "room__tile";
      tile.id = id;
      const video = document.createElement("video");
      video.autoplay = true;
      video.playsInline = true;
      const caption = document.createElement("figcaption");
      tile.appendChild(video);
      tile.appendChild(caption);
      $("videos").appendChild(tile);
    }
    tile.querySelector("figcaption").textContent = person.name + (person.host ? " (host)" : "");
    return tile;
  }

  function createPeer(person) {
    // TURN credentials come with the state once admitted; "relay" sends every call through
    // TURN, so that no participant learns another's network address.
    const config = {
      iceServers: (room.view && room.view.ice_servers) || [],
      iceTransportPolicy: (room.view && room.view.ice_transport_policy) || "all",
    };
    const pc = new RTCPeerConnection(config);
    const peer = { pc: pc, epoch: person.epoch, pending: [], person: person, tile: tileFor(person) };
    room.peers.set(person.id, peer);
    if (room.local) {
      room.local.getTracks().forEach(function (track) { pc.addTrack(track, room.local); });
    }
    pc.onicecandidate = function (event) {
      if (event.candidate && allowedCandidate(event.candidate)) {
        send({ type: "signal", to: person.id, candidate: event.candidate.toJSON() });
      }
    };
    pc.ontrack = function (event) {
      const video = peer.tile.querySelector("video");
      if (video.srcObject !== event.streams[0]) { video.srcObject = event.streams[0]; }
    };
    return peer;
  }

  function closePeer(id) {
    const peer = room.peers.get(id);
    if (!peer) { return; }
    peer.pc.close();
    room.peers.delete(id);
    if (peer.tile) { peer.tile.remove(); }
  }

  function offer(peer) {
    const pc = peer.pc;
    pc.createOffer().then(function (description) {
      return pc.setLocalDescription(description);
    }).then(function () {
      send({ type: "signal", to: peer.person.id, description: pc.localDescription.toJSON(), tracks: trackKinds() });
    }).catch(function (error) { notice("Could not connect the video: " + error); });
  }

  function syncPeers(view) {
    const me = view.me;
    const live = me.in_call && view.room.started_at && !view.room.ended;
    const wanted = new Map();
    if (live) {
      view.people.forEach(function (person) {
        if (person.id !== me.id && person.in_call) { wanted.set(person.id, person); }
      });
    }
    Array.from(room.peers.keys()).forEach(function (id) {
      const person = wanted.get(id), peer = room.peers.get(id);
      if (person && peer.epoch === -1) { peer.epoch = person.epoch; }
      if (!person || person.epoch !== peer.epoch) { closePeer(id); }
    });
    wanted.forEach(function (person, id) {
      if (!room.peers.has(id) && me.id < id) { offer(createPeer(person)); }
      const peer = room.peers.get(id);
      if (peer) { peer.person = person; tileFor(person); }
    });
  }

  function flush(peer) {
    peer.pending.splice(0).forEach(function (candidate) {
      peer.pc.addIceCandidate(candidate).catch(function () {});
    });
  }

  function onSignal(message) {
    let peer = room.peers.get(message.from);
    const person = (room.view.people || []).find(function (p) { return p.id === message.from; }) ||
      { id: message.from, name: "", epoch: -1 };
    if (message.description && message.description.type === "offer") {
      if (peer) { closePeer(message.from); }
      peer = createPeer(person);
      const pc = peer.pc;
      pc.setRemoteDescription(message.description).then(function () {
        flush(peer);
        return pc.createAnswer();
      }).then(function (answer) {
        return pc.setLocalDescription(answer);
      }).then(function () {
        send({ type: "signal", to: message.from, description: pc.localDescription.toJSON(), tracks: trackKinds() });
      }).catch(function (error) { notice("Could not connect the video: " + error); });
    } else if (message.description && peer) {
      peer.pc.setRemoteDescription(message.description).then(function () { flush(peer); });
    } else if (message.candidate && peer && allowedCandidate(message.candidate)) {
      if (peer.pc.remoteDescription) {
        peer.pc.addIceCandidate(message.candidate).catch(function () {});
      } else {
        peer.pending.push(message.candidate);
      }
    }
  }

  // Host screen sharing: the camera track is replaced on every connection (ROOM-4: the host
  // only; participants have no button and the server refuses them).
  function shareScreen() {
    if (room.screen) { return stopScreen(); }
    navigator.mediaDevices.getDisplayMedia({ video: true }).then(function (stream) {
      room.screen = stream;
      const track = stream.getVideoTracks()[0];
      replaceVideo(track);
      track.onended = stopScreen;
      send({ type: "share-screen", on: true });
      $("screen-button").textContent = "Stop sharing";
    }).catch(function () { notice("Screen sharing did not start."); });
  }

  function stopScreen() {
    if (!room.screen) { return; }
    room.screen.getTracks().forEach(function (track) { track.stop(); });
    room.screen = null;
    replaceVideo(room.local ? room.local.getVideoTracks()[0] : null);
    send({ type: "share-screen", on: false });
    $("screen-button").textContent = "Share screen";
  }

  function replaceVideo(track) {
    if (room.sfu) { room.sfu.replaceVideo(track); }
    room.peers.forEach(function (peer) {
      peer.pc.getSenders().forEach(function (sender) {
        if (sender.track && sender.track.kind === "video") { sender.replaceTrack(track); }
      });
    });
  }

  if ($("screen-button")) { $("screen-button").addEventListener("click", shareScreen); }

  // Recording: this browser records its own camera and microphone and sends 1 s chunks.

  function syncRecorder(view) {
    const wanted = view.room.recording === "on" && view.me.in_call && !view.room.ended;
    if (wanted && !room.recorder && room.local && window.MediaRecorder) {
      const type = MediaRecorder.isTypeSupported("video/webm;codecs=vp8,opus") ? "video/webm;codecs=vp8,opus" : "video/webm";
      const recorder = new MediaRecorder(room.local, { mimeType: type });
      recorder.ondataavailable = function (event) {
        if (event.data && event.data.size > 0) {
          event.data.arrayBuffer().then(function (buffer) {
            if (room.socket && room.socket.readyState === WebSocket.OPEN) { room.socket.send(buffer); }
          });
        }
      };
      recorder.start(1000);
      room.recorder = recorder;
    } else if (!wanted && room.recorder) {
      room.recorder.stop();
      room.recorder = null;
    }
    show("rec-indicator", view.room.recording === "on");
  }

  // Rendering the state -------------------------------------------------------------------------

  function button(label, action, id, extraClass) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "button " + (extraClass || "");
    b.textContent = label;
    b.addEventListener("click", function () { send({ type: action, participant: id }); });
    return b;
  }

  function personLine(person, actions) {
    const item = document.createElement("li");
    const name = document.createElement("strong");
    name.textContent = person.name;
    item.appendChild(name);
    const detail = document.createElement("span");
    detail.textContent = " · " + person.role_label + (person.linked_to ? " · " + person.linked_to : "") +
      (person.host ? " · host" : "") + (person.in_call || person.host ? "" : (person.agreed ? "" : " · reading the agreement")) +
      (person.gap ? " · recording interrupted" : "") +
      (person.second_device ? " · second device: this link is already in use on another device" : "");
    item.appendChild(detail);
    actions.forEach(function (b) { item.appendChild(b); });
    return item;
  }

  // REC-6: each learner's answer, and the host's way to ask a learner who has not said yes.
  function renderComfort(view) {
    const list = $("comfort-list");
    list.replaceChildren();
    (view.comfort || []).forEach(function (learner) {
      const item = document.createElement("li");
      const name = document.createElement("strong");
      name.textContent = learner.name;
      item.appendChild(name);
      let said = learner.answer === true ? "comfortable being recorded" :
        (learner.answer === false ? "not comfortable being recorded" :
          (learner.asked ? "asked: waiting for the answer" : "not asked yet"));
      if (learner.answered_by && learner.answer !== null) { said += " (answered on " + learner.answered_by + "'s device)"; }
      item.appendChild(document.createTextNode(" · " + said));
      if (learner.answer !== true && !learner.asked && learner.in_room) {
        const ask = document.createElement("button");
        ask.type = "button";
        ask.className = "button button--secondary";
        ask.textContent = "Ask " + learner.name + " if they are comfortable being recorded";
        ask.addEventListener("click", function () { send({ type: "ask-comfort", learner: learner.learner }); });
        item.appendChild(ask);
      }
      list.appendChild(item);
    });
    show("comfort-box", (view.comfort || []).length > 0);
  }

  // The agreement asks whoever answers for a learner: the learner, or the parent or carer
  // they joined with; the host's question comes up on the same device.
  function renderQuestions(view) {
    const me = view.me, answering = me.answers_for || [];
    const parent = me.role !== "learner";
    if ($("comfort-fieldset")) {
      show("comfort-fieldset", answering.length > 0);
      if (parent && answering.length) {
        const names = answering.map(function (learner) { return learner.name; }).join(" and ");
        const are = answering.length > 1 ? "are" : "is";
        $("comfort-legend").textContent = (answering.length > 1 ? "Are " : "Is ") + names +
          " comfortable with this session being recorded? Ask, then answer for them.";
        $("comfort-yes").textContent = "Yes, " + names + " " + are + " comfortable being recorded";
        $("comfort-no").textContent = "No, please do not record " + names;
      }
    }
    const question = (me.comfort_questions || [])[0];
    show("comfort-question", !!question && me.agreed);
    if (question) {
      room.question = question.learner;
      $("comfort-question-text").textContent = parent ?
        "Is " + question.name + " comfortable with this session being recorded? Ask them, then answer." :
        "Are you comfortable with this session being recorded?";
    }
  }

  function answerQuestion(comfortable) {
    if (room.question) { send({ type: "comfort", learner: room.question, comfortable: comfortable }); }
  }
  $("comfort-question-yes").addEventListener("click", function () { answerQuestion(true); });
  $("comfort-question-no").addEventListener("click", function () { answerQuestion(false); });

  // SES-3: more time is an exception: the host's page says where the latest request stands.
  function renderExtension(r) {
    const extension = r.extension;
    let text = "";
    const pending = !!extension && extension.status === "pending";
    show("extend-box", !!r.started_at && !pending);
    if (extension && extension.status === "pending") {
      text = "Waiting for " + extension.approvers + " to approve " + extension.minutes +
        " more minutes. They have been emailed; the session ends at its time unless one of them approves.";
    } else if (extension && extension.status === "approved") {
      text = extension.by_host ?
        "You added " + extension.minutes + " minutes, within what the policy lets the host add; the approvers have been told." :
        extension.decided_by + " approved " + extension.minutes + " more minutes.";
    } else if (extension && extension.status === "refused") {
      text = extension.decided_by + " did not approve more time" +
        (extension.decision_reason ? ": “" + extension.decision_reason + "”" : ".");
    }
    $("extension-status").textContent = text;
    show("extension-status", !!text);
    if (pending && $("extend-box").open) { $("extend-box").open = false; }
  }

  function renderHost(view) {
    const waiting = $("waiting-list");
    waiting.replaceChildren();
    view.waiting.forEach(function (person) {
      waiting.appendChild(personLine(person, [
        button("Admit " + person.name + (person.second_device ? " on the second device" : ""), "admit", person.id),
        button("Refuse", "refuse", person.id, "button--secondary"),
      ]));
    });
    show("waiting-list-box", view.waiting.length > 0);
    const people = $("people-list");
    people.replaceChildren();
    view.people.forEach(function (person) {
      const actions = person.host ? [] : [
        button("Mute", "mute", person.id, "button--secondary"),
        button("Remove " + person.name, "remove", person.id, "button--danger"),
      ];
      if (onSfu(view) && !person.host && person.role !== "staff") {
        const lit = view.room.spotlight === person.id;
        const spot = button(lit ? "Take " + person.name + " out of the spotlight" : "Spotlight " + person.name,
          "spotlight", lit ? null : person.id, "button--secondary");
        spot.setAttribute("aria-pressed", lit ? "true" : "false");
        actions.unshift(spot);
      }
      people.appendChild(personLine(person, actions));
    });
    renderComfort(view);
    const r = view.room;
    $("lock-button").textContent = r.locked ? "Unlock the room" : "Lock the room";
    show("lock-prompt", view.all_arrived && !r.locked);
    show("start-form", !r.started_at);
    show("adult-box", view.session.needs_named_adult);
    renderExtension(r);
    show("record-button", !!r.started_at && view.session.recording_enabled);
    $("record-button").textContent = r.recording === "on" ? "Stop recording" :
      (r.recording === "paused" ? "Resume recording" : "Start recording");
    if (r.recording === "paused" && r.recording_paused_for) {
      notice("Recording paused: " + r.recording_paused_for + " may not be recorded.");
    }
    if (r.recording_gaps && r.recording_gaps.length) {
      alertText("No recording arriving from " + r.recording_gaps.join(", ") + ".");
    }
    if ($("screen-button")) { show("screen-button", !!r.started_at); }
    show("class-box", onSfu(view) && view.session.kind !== "webinar");
    $("see-each-other").checked = !!r.learners_see_each_other;
  }

  const CLOSED_HEADINGS = {
    ended: "The session has ended",
    left: "You have left the session",
    removed: "You are no longer in the session",
    refused: "You were not let in",
  };

  function render(view) {
    room.view = view;
    room.skew = Date.parse(view.server_time) - Date.now();
    const me = view.me, r = view.room;
    const admitted = me.presence === "admitted";
    show("connecting-panel", false);
    if (r.ended) {
      closeCall("ended", r.end_reason === "time" ?
        "The time for this session is up." : r.end_reason === "host_turned_out" ?
        "The session has ended: its host can no longer take part." :
        "The host has ended the session.");
      return;
    }
    if (me.presence === "left" || me.presence === "removed" || me.presence === "refused") {
      closeCall(me.presence, "");
      return;
    }
    show("waiting-panel", me.presence === "waiting");
    show("second-device-note", !!me.second_device);
    show("agreement-panel", admitted && !me.host && !me.agreed);
    show("prestart-panel", admitted && (me.host || me.agreed) && !r.started_at && !me.host);
    show("host-panel", me.host && admitted);
    show("chat", admitted);
    show("controls", true);
    if (me.host && admitted) { renderHost(view); }
    if (admitted && !me.host) { renderQuestions(view); }
    if (onSfu(view)) { room.sfu.sync(view); } else { syncPeers(view); }
    syncRecorder(view);
  }

  function stopAll() {
    Array.from(room.peers.keys()).forEach(closePeer);
    if (room.sfu) { room.sfu.stop(); }
    if (room.recorder) { room.recorder.stop(); room.recorder = null; }
  }

  // The call is over for this page (ended, left, removed, refused): every peer connection,
  // the recorder, the camera and microphone and their preview stop, and the page offers to
  // report a worry (ROOM-8).
  function closeCall(why, text) {
    room.closedFor = room.closedFor || why;
    stopAll();
    stopScreen();
    if (room.local) { room.local.getTracks().forEach(function (track) { track.stop(); }); }
    $("local-video").srcObject = null;
    ["connecting-panel", "waiting-panel", "agreement-panel", "prestart-panel", "host-panel",
      "comfort-question", "chat", "controls"].forEach(function (id) { show(id, false); });
    $("ended-heading").textContent = CLOSED_HEADINGS[why] || CLOSED_HEADINGS.ended;
    if (text) { $("ended-text").textContent = text; }
    show("ended-panel", true);
    show("rec-indicator", false);
  }

  // The countdown is the server's: it ends the session whatever this page shows (SES-3).
  setInterval(function () {
    const view = room.view;
    if (!view || !view.room.ends_at || view.room.ended || room.closedFor) { show("timer", false); return; }
    const left = Math.max(0, Math.round((Date.parse(view.room.ends_at) - Date.now() - room.skew) / 1000));
    const minutes = Math.floor(left / 60), seconds = left % 60;
    $("timer-value").textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    show("timer", true);
    $("timer").classList.toggle("room__timer--warning", left <= 300);
    if (left <= 300 && !room.warned) {
      room.warned = true;
      alertText("Five minutes left in this session.");
    }
  }, 1000);

  function appendChat(message) {
    const item = document.createElement("li");
    const who = document.createElement("strong");
    who.textContent = message.name + ": ";
    item.appendChild(who);
    item.appendChild(document.createTextNode(message.text));
    $("chat-log").appendChild(item);
  }

  // Chat screening (docs/rooms.md): a held message is never shown; its sender and the staff in
  // the room are told, each in the chat and in the status line.
  function chatNote(id, text) {
    const item = document.createElement("li");
    item.className = "room__chat-held";
    item.id = id;
    item.textContent = text;
    $("chat-log").appendChild(item);
    notice(text);
  }

  function chatHeld(message) {
    const found = message.categories.map(function (c) { return c.words; }).join(", ");
    chatNote("chat-held-" + message.id, "A message from " + message.name +
      " was held back and not shown to anyone (" + found + ", grade " + message.grade +
      " of 5). The safeguarding lead has been told.");
  }

  // Controls -------------------------------------------------------------------------------------

  $("agreement-form").addEventListener("submit", function (event) {
    event.preventDefault();
    const choice = document.querySelector("input[name=comfortable]:checked");
    const asked = $("comfort-fieldset") && !$("comfort-fieldset").hidden;
    send({ type: "agree", comfortable_recording: asked && choice ? choice.value === "yes" : null });
  });
  $("start-form").addEventListener("submit", function (event) {
    event.preventDefault();
    send({ type: "start", adult_present: $("adult-present").checked });
  });
  $("extend-form").addEventListener("submit", function (event) {
    event.preventDefault();
    send({ type: "extend", minutes: parseInt($("extend-minutes").value, 10), reason: $("extend-reason").value });
    $("extend-reason").value = "";
  });
  $("see-each-other").addEventListener("change", function () {
    send({ type: "learners-see-each-other", allowed: $("see-each-other").checked });
  });
  $("lock-button").addEventListener("click", function () {
    send({ type: "lock", locked: !(room.view && room.view.room.locked) });
  });
  $("record-button").addEventListener("click", function () {
    send({ type: "record", on: !(room.view && room.view.room.recording === "on") });
  });
  $("end-button").addEventListener("click", function () {
    if (window.confirm("End the session for everyone?")) { send({ type: "end" }); }
  });
  $("chat-form").addEventListener("submit", function (event) {
    event.preventDefault();
    const text = $("chat-text").value.trim();
    if (text) { send({ type: "chat", text: text }); $("chat-text").value = ""; }
  });
  // ROOM-8: leave at once, then the concern form for this session. Without the script the link
  // still opens the form.
  $("leave-button").addEventListener("click", function (event) {
    event.preventDefault();
    const target = $("leave-button").getAttribute("href");
    send({ type: "leave" });
    closeCall("left", "");
    if (room.socket) { room.socket.close(1000); }
    window.location.assign(target);
  });

  // The connection ---------------------------------------------------------------------------

  function onMessage(event) {
    const message = JSON.parse(event.data);
    switch (message.type) {
      case "state": render(message); break;
      case "signal": onSignal(message); break;
      case "sfu-ready":
      case "sfu-answer":
      case "sfu-offer":
      case "sfu-mids":
        if (room.sfu) { room.sfu.onMessage(message); }
        break;
      case "chat": appendChat(message); break;
      case "chat-held": chatHeld(message); break;
      case "chat-not-sent": chatNote("chat-not-sent-" + message.id, message.message); break;
      case "mute": setTrack("audio", false); notice(message.by + " muted your microphone."); break;
      case "warning": alertText(message.message); break;
      case "screen": notice(message.on ? "The host is sharing their screen." : "Screen sharing stopped."); break;
      case "refused":
      case "removed":
        closeCall(message.type, message.message);
        alertText(message.message);
        break;
      case "error":
        // A last media chunk after the recording stopped is expected; anything else is said.
        if (message.for !== "chunk" || room.recorder) { notice(message.message); }
        break;
      default: break;
    }
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(scheme + "//" + window.location.host + root.dataset.socketPath);
    socket.binaryType = "arraybuffer";
    room.socket = socket;
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      stopAll();
      if (room.closedFor || (room.view && room.view.room.ended)) { return; }
      if (event.code === 4403 || event.code === 4423) { closeCall("refused", ""); return; }
      if (event.code === 1006 || event.code === 1001 || event.code === 1011) {
        notice("Connection lost. Reconnecting…");
        setTimeout(connect, 2000);
      }
    });
  }

  startMedia().then(connect);
})();

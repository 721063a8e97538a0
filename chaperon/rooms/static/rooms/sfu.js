/* Chaperon live room on the media server (Janus): one connection sends this person's camera
 * and microphone, one receives what the server lets them see (the class layout). The page
 * never talks to Janus's API: descriptions go through the room's WebSocket, where the server
 * checks them first. Protocol: docs/rooms.md, "Classes on an SFU". */
(function () {
  "use strict";

  const PAGE_SIZE = 12; // the host's thumbnails of learners, a page at a time

  window.chaperonSfu = function (api) {
    const sfu = { pub: null, sub: null, mids: {}, page: 0 };

    function config() {
      const view = api.view();
      return { iceServers: view.ice_servers || [], iceTransportPolicy: view.ice_transport_policy || "all" };
    }

    function candidateSender(subscriber) {
      return function (event) {
        if (event.candidate && !api.allowedCandidate(event.candidate)) { return; }
        api.send({ type: "sfu-candidate", subscriber: subscriber, candidate: event.candidate ? event.candidate.toJSON() : null });
      };
    }

    // Sending: staff at the camera's size; learners in two simulcast layers where the browser
    // can, the camera's size and a thumbnail (half size, a low rate) that the staff receive.
    function publish() {
      if (sfu.pub) { sfu.pub.close(); sfu.pub = null; }
      const local = api.local();
      if (!local) { return; }
      const pc = new RTCPeerConnection(config());
      sfu.pub = pc;
      const staff = api.view().me.role === "staff";
      local.getTracks().forEach(function (track) {
        const init = { direction: "sendonly", streams: [local] };
        if (track.kind === "video" && !staff) {
          init.sendEncodings = [
            { rid: "h", maxBitrate: 400000 },
            { rid: "l", maxBitrate: 150000, scaleResolutionDownBy: 2, maxFramerate: 15 },
          ];
        }
        try {
          pc.addTransceiver(track, init);
        } catch (error) { // no simulcast here: one layer, the thumbnail's
          pc.addTransceiver(track, { direction: "sendonly", streams: [local],
            sendEncodings: [{ maxBitrate: 150000, scaleResolutionDownBy: 2, maxFramerate: 15 }] });
        }
      });
      if (api.screen()) { replaceVideo(api.screen().getVideoTracks()[0]); }
      pc.onicecandidate = candidateSender(false);
      pc.createOffer().then(function (offer) {
        return pc.setLocalDescription(offer);
      }).then(function () {
        api.send({ type: "sfu-publish", sdp: pc.localDescription.sdp });
      }).catch(function (error) { api.notice("Could not send your video: " + error); });
    }

    function receive(message) {
      sfu.mids = message.mids || {};
      if (!sfu.sub) {
        const pc = new RTCPeerConnection(config());
        sfu.sub = pc;
        pc.onicecandidate = candidateSender(true);
        pc.ontrack = function () { placeTracks(); };
      }
      const pc = sfu.sub;
      pc.setRemoteDescription({ type: "offer", sdp: message.sdp }).then(function () {
        return pc.createAnswer();
      }).then(function (answer) {
        return pc.setLocalDescription(answer);
      }).then(function () {
        api.send({ type: "sfu-subscribed", sdp: pc.localDescription.sdp });
        placeTracks();
      }).catch(function (error) { api.notice("Could not receive the video: " + error); });
    }

    // Each participant's tracks, by the mids the server named, into their tile.
    function placeTracks() {
      const byPerson = new Map();
      if (sfu.sub) {
        sfu.sub.getTransceivers().forEach(function (transceiver) {
          const who = sfu.mids[transceiver.mid];
          const track = transceiver.receiver && transceiver.receiver.track;
          if (who === undefined || !track || transceiver.currentDirection === "inactive") { return; }
          if (!byPerson.has(who)) { byPerson.set(who, []); }
          byPerson.get(who).push(track);
        });
      }
      const people = api.view().people || [];
      Array.from(document.querySelectorAll("[data-sfu-tile]")).forEach(function (tile) {
        if (!byPerson.has(Number(tile.dataset.sfuTile))) { tile.remove(); }
      });
      byPerson.forEach(function (tracks, who) {
        const person = people.find(function (p) { return p.id === who; }) || { id: who, name: "", host: false };
        const tile = api.tileFor(person);
        tile.dataset.sfuTile = String(who);
        const video = tile.querySelector("video");
        const current = video.srcObject;
        const same = current && current.getTracks().length === tracks.length &&
          tracks.every(function (track) { return current.getTracks().indexOf(track) !== -1; });
        if (!same) { video.srcObject = new MediaStream(tracks); }
      });
      paginate();
    }

    // The host sees learners' thumbnails a page at a time; staff tiles always show.
    function paginate() {
      const view = api.view();
      const nav = document.getElementById("tile-pages");
      if (!nav) { return; }
      const learners = Array.from(document.querySelectorAll("[data-sfu-tile]")).filter(function (tile) {
        const person = (view.people || []).find(function (p) { return p.id === Number(tile.dataset.sfuTile); });
        return !person || person.role !== "staff";
      });
      const pages = Math.max(1, Math.ceil(learners.length / PAGE_SIZE));
      sfu.page = Math.min(sfu.page, pages - 1);
      learners.forEach(function (tile, index) {
        const shown = Math.floor(index / PAGE_SIZE) === sfu.page;
        tile.hidden = !shown;
        const video = tile.querySelector("video");
        if (shown && video.paused) { video.play().catch(function () {}); }
        if (!shown && !video.paused) { video.pause(); }
      });
      nav.hidden = pages < 2;
      document.getElementById("tiles-page").textContent = "Cameras page " + (sfu.page + 1) + " of " + pages;
      document.getElementById("tiles-prev").disabled = sfu.page === 0;
      document.getElementById("tiles-next").disabled = sfu.page >= pages - 1;
    }

    function turnPage(step) { sfu.page = Math.max(0, sfu.page + step); paginate(); }
    if (document.getElementById("tiles-prev")) {
      document.getElementById("tiles-prev").addEventListener("click", function () { turnPage(-1); });
      document.getElementById("tiles-next").addEventListener("click", function () { turnPage(1); });
    }

    function replaceVideo(track) {
      if (!sfu.pub) { return; }
      sfu.pub.getSenders().forEach(function (sender) {
        if (sender.track && sender.track.kind === "video") { sender.replaceTrack(track); }
      });
    }

    function stop() {
      if (sfu.pub) { sfu.pub.close(); sfu.pub = null; }
      if (sfu.sub) { sfu.sub.close(); sfu.sub = null; }
      sfu.mids = {};
      Array.from(document.querySelectorAll("[data-sfu-tile]")).forEach(function (tile) { tile.remove(); });
    }

    return {
      state: sfu,
      onMessage: function (message) {
        if (message.type === "sfu-ready") {
          if (sfu.sub) { sfu.sub.close(); sfu.sub = null; } // a new link: everything afresh
          if (message.publish) { publish(); }
        } else if (message.type === "sfu-answer" && sfu.pub) {
          sfu.pub.setRemoteDescription({ type: "answer", sdp: message.sdp }).catch(function (error) {
            api.notice("Could not send your video: " + error);
          });
        } else if (message.type === "sfu-offer") {
          receive(message);
        } else if (message.type === "sfu-mids") {
          sfu.mids = message.mids || {};
          placeTracks();
        }
      },
      sync: function (view) {
        const live = view.me.in_call && view.room.started_at && !view.room.ended;
        if (!live) { stop(); } else { placeTracks(); }
      },
      replaceVideo: replaceVideo,
      stop: stop,
    };
  };
})();

/* Background blur (SES-14): the camera with the person kept sharp over a blurred background.
 * A person-segmentation model runs in the browser (MediaPipe Selfie Segmentation, bundled with
 * Chaperon under static/rooms/vendor/: nothing is fetched from elsewhere); each frame is drawn
 * on a canvas, the person through the model's mask over the frame blurred, and the canvas is
 * the video that is shown and sent. The page lists the files' URLs in #blur-files; without it
 * there is no blur. Used by the pre-call check and, for staff who chose blur there, the room. */
(function () {
  "use strict";

  const FRAMES_PER_SECOND = 24;
  const BLUR_PIXELS = 14;
  // The model must segment a first frame by then, or blur is unavailable on this device.
  const READY_SECONDS = 30;

  function files() {
    const element = document.getElementById("blur-files");
    return element ? JSON.parse(element.textContent) : null;
  }

  // WebGL 2 (the solution's image processing), WebAssembly (the model) and a canvas stream.
  function capable() {
    if (typeof WebAssembly !== "object" || typeof MediaStream !== "function") { return false; }
    const canvas = document.createElement("canvas");
    try {
      return !!canvas.getContext("webgl2") && typeof canvas.captureStream === "function";
    } catch (error) {
      return false;
    }
  }

  let solution = null;
  function loadSolution(urls) {
    if (!solution) {
      solution = new Promise(function (resolve, reject) {
        if (window.SelfieSegmentation) { resolve(); return; }
        const tag = document.createElement("script");
        tag.src = urls["selfie_segmentation.js"];
        tag.onload = function () { resolve(); };
        tag.onerror = function () { reject(new Error("the segmentation script did not load")); };
        document.head.appendChild(tag);
      });
    }
    return solution;
  }

  /* Start blurring the video of ``source`` (a MediaStream). Resolves, once the model has
   * segmented a first frame, to {stream (the canvas's video and the source's audio),
   * setOn(on), stop()}; rejects when this device cannot run it. */
  function start(source, options) {
    const urls = files();
    const camera = source.getVideoTracks()[0];
    if (!urls || !camera || !capable()) { return Promise.reject(new Error("unavailable")); }
    const video = document.createElement("video");
    video.muted = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([camera]);
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d");
    let segmenter = null;
    let running = true;
    let on = true; // the first frame is segmented whatever is chosen: it proves the model runs
    let ready = null;

    function size() {
      const width = video.videoWidth || 640, height = video.videoHeight || 480;
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      return [width, height];
    }

    function composite(results) {
      const [width, height] = size();
      context.save();
      context.clearRect(0, 0, width, height);
      context.drawImage(results.segmentationMask, 0, 0, width, height);
      context.globalCompositeOperation = "source-in"; // the person, where the mask is
      context.drawImage(results.image, 0, 0, width, height);
      context.globalCompositeOperation = "destination-over"; // behind: the frame blurred
      context.filter = "blur(" + BLUR_PIXELS + "px)";
      const edge = 2 * BLUR_PIXELS; // drawn larger, so that the edges are not see-through
      context.drawImage(results.image, -edge, -edge, width + 2 * edge, height + 2 * edge);
      context.restore();
      if (ready) { ready.resolve(); ready = null; }
    }

    function frame() {
      if (!running) { return; }
      const next = function () { if (running) { setTimeout(frame, 1000 / FRAMES_PER_SECOND); } };
      if (video.readyState < 2) { next(); return; }
      if (!on) {
        const [width, height] = size();
        context.drawImage(video, 0, 0, width, height);
        next();
        return;
      }
      segmenter.send({ image: video }).then(next, function (error) {
        if (ready) { ready.reject(error); ready = null; }
        next();
      });
    }

    function stop() {
      running = false;
      camera.stop();
      if (segmenter) { segmenter.close().catch(function () {}); }
    }

    const first = new Promise(function (resolve, reject) { ready = { resolve: resolve, reject: reject }; });
    const late = new Promise(function (resolve, reject) {
      setTimeout(function () { reject(new Error("the model did not start in time")); }, READY_SECONDS * 1000);
    });
    return loadSolution(urls).then(function () {
      segmenter = new window.SelfieSegmentation({
        locateFile: function (name) { return urls[name] || "about:invalid#" + name; },
      });
      segmenter.setOptions({ modelSelection: 1, selfieMode: false });
      segmenter.onResults(composite);
      return Promise.race([segmenter.initialize(), late]);
    }).then(function () {
      return video.play();
    }).then(function () {
      frame();
      return Promise.race([first, late]);
    }).then(function () {
      on = !options || options.on !== false;
      const stream = new MediaStream(
        canvas.captureStream(FRAMES_PER_SECOND).getVideoTracks().concat(source.getAudioTracks())
      );
      return { stream: stream, setOn: function (value) { on = !!value; }, stop: stop };
    }).catch(function (error) {
      running = false;
      if (segmenter) { segmenter.close().catch(function () {}); }
      throw error;
    });
  }

  /* The room: the camera of a member of staff who chose blur in their check goes blurred, its
   * sound as it was. Turning the camera off or stopping it reaches the camera itself. If blur
   * cannot start here, the camera goes as it is, and the page says so. */
  function forRoom(stream) {
    if (!files() || !stream || !stream.getVideoTracks().length) { return Promise.resolve(stream); }
    return start(stream).then(function (blurrer) {
      const track = blurrer.stream.getVideoTracks()[0];
      const camera = stream.getVideoTracks()[0];
      const enabled = Object.getOwnPropertyDescriptor(MediaStreamTrack.prototype, "enabled");
      Object.defineProperty(track, "enabled", {
        get: function () { return enabled.get.call(track); },
        set: function (value) { enabled.set.call(track, value); camera.enabled = value; },
      });
      const stopTrack = track.stop.bind(track);
      track.stop = function () { stopTrack(); blurrer.stop(); };
      return blurrer.stream;
    }, function () {
      const notice = document.getElementById("notice");
      if (notice) {
        notice.textContent = "Background blur could not start on this device: your camera is " +
          "shown as it is. Check what is behind you.";
      }
      return stream;
    });
  }

  window.chaperonBlur = { start: start, forRoom: forRoom };
})();

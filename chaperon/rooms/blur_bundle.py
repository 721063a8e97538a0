"""The person-segmentation model of background blur (SES-14), bundled with Chaperon from its npm
package (``@mediapipe/selfie_segmentation``, Apache-2.0) so that nothing is fetched from
elsewhere. ``scripts/vendor-blur`` copies these files from node_modules (it imports this
module without Django); a test holds them byte for byte to the version package-lock.json
pins."""

PACKAGE = "@mediapipe/selfie_segmentation"
VENDOR = "rooms/vendor/selfie_segmentation"
# What the page loads: the solution's script, its graph, the landscape model (the lighter
# of the two, made for video calls) and the WebAssembly build with SIMD, which every browser
# the room supports runs. A browser without SIMD asks for the other build, which is not
# bundled: blur is then unavailable there, and the page says so.
FILES = (
    "selfie_segmentation.js",
    "selfie_segmentation.binarypb",
    "selfie_segmentation_landscape.tflite",
    "selfie_segmentation_solution_simd_wasm_bin.js",
    "selfie_segmentation_solution_simd_wasm_bin.wasm",
)
# Kept beside them: the package's own description, with its version and licence.
BUNDLED = (*FILES, "package.json")

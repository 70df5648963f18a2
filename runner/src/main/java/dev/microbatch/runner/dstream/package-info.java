/**
 * The DStream graph: inputs, fused stages, shuffles, unions and side-input streams, computed once
 * per batch in dependency order, with per-stream output watermarks. Knows nothing of Beam
 * transforms; stages run functions handed to them by the translation layer.
 */
package dev.microbatch.runner.dstream;

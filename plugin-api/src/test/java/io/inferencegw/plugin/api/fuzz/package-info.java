/**
 * Seeded, bounded fuzzing for the parsers of untrusted bytes: {@link
 * io.inferencegw.plugin.api.fuzz.FuzzCampaign} runs the cases and enforces the bounds (time,
 * heap allocated per case, no {@code OutOfMemoryError}), {@link
 * io.inferencegw.plugin.api.fuzz.ByteMutator} provides the format-blind mutations.
 *
 * <p>Users: {@code SafetensorsReaderFuzzTest} here and {@code ImageDecoderFuzzTest} in the
 * gateway (which gets these classes through plugin-api's test-jar). The default run is short
 * and fixed (seed 1); a longer one:
 * <pre>{@code
 * mvn -B -pl plugin-api,gateway -am verify -Dtest='*FuzzTest' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.cases=200000 [-Dfuzz.seed=2]
 * }</pre>
 * A failure names the seed and case index and writes the input to the module's
 * {@code target/fuzz-failures/}; {@code -Dfuzz.seed=S -Dfuzz.first=I -Dfuzz.cases=1} replays it.
 */
package io.inferencegw.plugin.api.fuzz;

/**
 * The parity harness: every family's networks are checked against their PyTorch reference
 * (torchvision 0.14 with torch 1.13 from Debian, {@code /usr/bin/python3}).
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@code plugin-api/src/test/python/parity_reference.py}: for a torchvision model name,
 *       or {@code label=python expression}, writes {@code structure.json} (state_dict keys in
 *       order, shapes, dtypes, exact parameter count) and, for numerical parity, seeded
 *       {@code weights.safetensors}, {@code input.safetensors} (2 structured images: a random
 *       6x6 colour grid upsampled, plus noise) and {@code logits.safetensors} (eval mode).
 *       Weights are random and scaled by fan-in; norm scales are not 1; every BatchNorm's
 *       running statistics come from one train-mode pass over 4 seeded images, so eps and
 *       ordering mistakes show. The script checks that the two rows of logits differ.</li>
 *   <li>{@link io.inferencegw.plugin.api.parity.TorchvisionOracle} runs the scripts (temporary
 *       directories, deleted after use), in one interpreter per JVM ({@code oracle_server.py}:
 *       torch and torchvision are imported once, each run is still the script run afresh);
 *       where no Python with torchvision exists, a test that needs it is skipped, or fails under
 *       CI ({@link io.inferencegw.plugin.api.testing.Prerequisites}).</li>
 *   <li>{@link io.inferencegw.plugin.api.parity.ParityHarness}: the structural check (keys in
 *       order, shapes, dtypes, {@code StateDict.parameterCount} = catalog = reference) and the
 *       numerical check ({@code WeightLoader.loadStrict}, eval, InferenceMode;
 *       {@code max|diff| <= 1e-4 * (1 + max|ref|)}, same top-5 per row). Results are printed and
 *       appended to {@code target/parity-results.md} of the module.</li>
 *   <li>{@link io.inferencegw.plugin.api.parity.FamilyParityTest}: the JUnit base class.</li>
 *   <li>{@link io.inferencegw.plugin.api.parity.SpeedComparison} with {@code parity_speed.py}:
 *       images/second, ours vs torchvision, same threads, weights and inputs.</li>
 * </ul>
 *
 * <h2>Use in a plugin</h2>
 * Depend on plugin-api's test classes:
 * <pre>{@code
 * <dependency>
 *   <groupId>io.inferencegw</groupId><artifactId>plugin-api</artifactId>
 *   <version>${project.version}</version><type>test-jar</type><scope>test</scope>
 * </dependency>
 * }</pre>
 * and extend the base class, naming the variants with numerical parity in the default run:
 * <pre>{@code
 * class VggParityTest extends FamilyParityTest {
 *   VggParityTest() { super(new VggFamily(), "vgg11"); }
 * }
 * // a variant that is not torchvision's model of the same name:
 * @Override protected Reference reference(String variant) {
 *   return Reference.expression(variant, "models.DenseNet(32, (6, 12, 64, 48), 64)");
 * }
 * }</pre>
 *
 * <h2>Levels</h2>
 * {@code mvn test}: structure for every variant, numbers for the named ones.
 * {@code mvn test -Dparity=all}: numbers for every variant; {@code -Dparity=vgg16,vgg19} for
 * some; {@code -Dparity=none} for none. Other properties: {@code parity.python},
 * {@code parity.scripts}, {@code parity.threads}, {@code parity.timeoutSeconds}.
 */
package io.inferencegw.plugin.api.parity;

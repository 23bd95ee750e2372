package io.inferencegw.gateway.worker;

import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.batching.InferenceResult;
import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.MemoryLayout;
import io.inferencegw.plugin.api.VariantSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs batches on one replica of a network. Plain class, no Vert.x: the device worker calls it
 * on its own thread, the only thread that ever touches this replica.
 *
 * <p>Per batch: prepare each request's input (bad inputs are answered INVALID_ARGUMENT and
 * leave the batch; inputs an input stage prepared are copied), fuse the rest into one NCHW
 * tensor (on CUDA, in a reused page-locked buffer: {@link PinnedStaging}), move it to the device
 * with one asynchronous copy, run the
 * network under {@link InferenceMode}, softmax and top-k on the device, copy back only what the
 * answers need, and split per request. All native memory of the batch lives in one
 * {@link PointerScope} and is freed when the batch ends.
 */
public final class BatchRunner implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BatchRunner.class);

  private final String model;
  private final String version;
  private final VariantSpec spec;
  private final ClassifierModule network;
  private final BuiltNetwork built;
  private final Device device;
  private final boolean onCpu;
  private final InputPreparer inputs;
  /** Host memory of CUDA batches; null on CPU, where the batch tensor is the input. */
  private final PinnedStaging staging;
  private final boolean tryChannelsLast;
  private boolean channelsLast;
  private final ReplicaPrecision precision;

  /** Takes ownership of {@code network}, which must already hold its weights. */
  public BatchRunner(
      String model, String version, VariantSpec spec, ClassifierModule network, String device,
      InputPreparer inputs) {
    this(model, version, spec, network, device, inputs, false);
  }

  /**
   * @param channelsLast try the channels-last layout on CPU: {@link #warmUp} keeps it if the
   *     network's output is the same in it
   */
  public BatchRunner(
      String model, String version, VariantSpec spec, ClassifierModule network, String device,
      InputPreparer inputs, boolean channelsLast) {
    this(model, version, spec, BuiltNetwork.of(network), device, inputs, channelsLast,
        ReplicaPrecision.fp32(model, version));
  }

  /**
   * @param precision what batches compute in; {@link #warmUp} converts the network to it once
   *     the probe's top-1 classes agree with fp32
   */
  BatchRunner(
      String model, String version, VariantSpec spec, BuiltNetwork network, String device,
      InputPreparer inputs, boolean channelsLast, ReplicaPrecision precision) {
    this.precision = precision;
    this.model = model;
    this.version = version;
    this.spec = spec;
    this.built = network;
    this.network = network.module();
    this.device = new Device(device);
    this.onCpu = device.equals("cpu");
    this.inputs = inputs;
    this.staging = onCpu ? null : new PinnedStaging(spec.channels(), spec.height(), spec.width());
    this.tryChannelsLast = channelsLast && onCpu;
    this.network.eval();
    if (!onCpu) {
      this.network.to(this.device, false);
    }
  }

  /** Whether batches run channels-last (decided by {@link #warmUp}). */
  public boolean channelsLast() {
    return channelsLast;
  }

  /**
   * Answers every request of the batch, with a result or an error. A request's failure is its
   * own: an input that cannot be prepared is answered alone, and when the forward pass throws,
   * the batch is split in halves and each half run again, until the request that makes it fail
   * is alone; only that request gets INTERNAL.
   */
  public void run(List<InferenceRequest> batch) {
    long startNanos = System.nanoTime();
    List<Entry> entries = new ArrayList<>(batch.size());
    for (InferenceRequest request : batch) {
      Entry entry = prepare(request);
      if (entry != null) {
        entries.add(entry);
      }
    }
    runIsolated(entries, startNanos);
  }

  /** A request of the batch with its prepared input. */
  private record Entry(InferenceRequest request, InputPreparer.Sample sample) {}

  /** The request's input ready to be written into a batch row; null when it was answered. */
  private Entry prepare(InferenceRequest request) {
    try {
      float[] prepared = request.preparedInput();
      return new Entry(request, prepared != null
          ? ModelInputPreparer.prepared(prepared) : inputs.prepare(request.input()));
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      // Preparing one input is work on that request's bytes alone: a decoding library that
      // allocates what a malformed header claims, or recurses on it, fails only that request
      // (its memory is garbage again once the attempt is dropped).
      failSample(request, e);
      return null;
    }
  }

  /**
   * Answers a request whose own input failed: the client's fault when the failure says so (a
   * {@link GatewayException}), ours otherwise.
   */
  private void failSample(InferenceRequest request, Throwable e) {
    if (e instanceof GatewayException g) {
      request.fail(g);
      return;
    }
    request.fail(ModelInputStage.internalFailure(model, e));
  }

  private void runIsolated(List<Entry> entries, long startNanos) {
    if (entries.isEmpty()) {
      return;
    }
    try {
      forward(entries, startNanos);
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      // An out-of-memory batch is split like a failing one: its halves may well fit.
      if (entries.size() == 1) {
        LOG.error("model {} failed on a request", model, e);
        entries.get(0).request().fail(new GatewayException(
            ErrorCode.INTERNAL, "model " + model + " failed: " + e.getMessage(), e));
        return;
      }
      LOG.warn("model {} failed on a batch of {}; running it again in halves to find the "
          + "request that fails: {}", model, entries.size(), firstLine(e));
      int half = entries.size() / 2;
      runIsolated(entries.subList(0, half), startNanos);
      runIsolated(entries.subList(half, entries.size()), startNanos);
    }
  }

  private static String firstLine(Throwable e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
  }

  /**
   * Writes the rows (a row that fails is answered and left out), runs the network and answers
   * every request that is left. Throws when the network fails; nobody has been answered then
   * except the requests whose rows failed.
   */
  private void forward(List<Entry> entries, long startNanos) {
    int k = 1;
    boolean anyLogits = false;
    for (Entry e : entries) {
      k = Math.max(k, Math.min(e.request().topK(), spec.numClasses()));
      anyLogits |= e.request().returnLogits();
    }
    Outputs out;
    List<InferenceRequest> ready = new ArrayList<>(entries.size());
    try (InferenceMode guard = new InferenceMode();
        PointerScope scope = new PointerScope()) {
      Tensor batch = onCpu
          ? torch.empty(entries.size(), spec.channels(), spec.height(), spec.width())
          : staging.rows(entries.size());
      List<Long> rows = new ArrayList<>(entries.size());
      for (int i = 0; i < entries.size(); i++) {
        Entry e = entries.get(i);
        try {
          e.sample().writeInto(batch.select(0, i));
          rows.add((long) i);
          ready.add(e.request());
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError failure) {
          failSample(e.request(), failure);
        }
      }
      if (ready.isEmpty()) {
        return;
      }
      if (ready.size() < entries.size()) {
        batch = batch.index_select(0, torch.tensor(rows.stream().mapToLong(Long::longValue)
            .toArray()));
      }
      Tensor input = asInput(batch);
      long forwardStart = System.nanoTime();
      Tensor logits = precision.forward(network, input);
      checkShape(logits, ready.size());
      T_TensorTensor_T top = logits.softmax(1).topk(k);
      out = new Outputs(k, HostArrays.floats(top.get0()), HostArrays.longs(top.get1()),
          anyLogits ? HostArrays.floats(logits) : null, System.nanoTime() - forwardStart);
    }
    long computeMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos);
    for (int i = 0; i < ready.size(); i++) {
      answer(ready.get(i), i, out, computeMicros, startNanos, ready.size());
    }
  }

  /** The batch's outputs on the host, and how long the forward pass (with top-k) took. */
  private record Outputs(
      int k, float[] topScores, long[] topIndices, float[] logits, long forwardNanos) {}

  /** Answers one request from row {@code i} of the outputs. */
  private void answer(
      InferenceRequest r, int i, Outputs out, long computeMicros, long startNanos, int batchSize) {
    int k = Math.min(r.topK(), out.k);
    int[] idx = new int[k];
    float[] scores = new float[k];
    for (int j = 0; j < k; j++) {
      idx[j] = (int) out.topIndices[i * out.k + j];
      scores[j] = out.topScores[i * out.k + j];
    }
    float[] logits = null;
    if (r.returnLogits()) {
      logits = new float[spec.numClasses()];
      System.arraycopy(out.logits, i * spec.numClasses(), logits, 0, spec.numClasses());
    }
    long queueMicros = TimeUnit.NANOSECONDS.toMicros(startNanos - r.admittedNanos());
    long readyNanos = r.readyNanos() != 0 ? r.readyNanos() : r.admittedNanos();
    InferenceResult.Stages stages = new InferenceResult.Stages(
        TimeUnit.NANOSECONDS.toMicros(r.prepareNanos()),
        TimeUnit.NANOSECONDS.toMicros(Math.max(0, startNanos - readyNanos)),
        TimeUnit.NANOSECONDS.toMicros(out.forwardNanos));
    r.succeed(new InferenceResult(
        idx, scores, logits, queueMicros, computeMicros, batchSize, version, stages));
  }

  private void checkShape(Tensor logits, int n) {
    long[] shape = logits.sizes().vec().get();
    if (shape.length != 2 || shape[0] != n || shape[1] != spec.numClasses()) {
      throw new IllegalStateException(
          "network returned shape " + java.util.Arrays.toString(shape) + ", expected [" + n + ", "
              + spec.numClasses() + "]");
    }
  }

  /**
   * The network input for a float32 NCHW batch on the host, as every pass of this replica gets
   * it: on CPU in the replica's layout, on CUDA copied to the device (asynchronously: the
   * results' copy back waits for it).
   */
  private Tensor asInput(Tensor batch) {
    return onCpu
        ? (channelsLast ? batch.contiguous(torch.MemoryFormat.ChannelsLast) : batch)
        : batch.to(device, torch.ScalarType.Float, true, false,
            new org.bytedeco.pytorch.MemoryFormatOptional());
  }

  /**
   * {@code n} different, smoothly varying images (a sine over the batch's values): a layout
   * mix-up moves values between pixels, channels or images, and shows; and unlike zeros they
   * give no kernel a shortcut.
   */
  private Tensor smoothImages(int n) {
    long perImage = (long) spec.channels() * spec.height() * spec.width();
    return torch.linspace(new Scalar(-40.0), new Scalar(40.0), n * perImage)
        .sin().reshape(n, spec.channels(), spec.height(), spec.width());
  }

  /**
   * Runs the network once so the first real request does not pay for lazy initialisation: on a
   * batch of zeros, or, where channels-last is to be tried, on the probe batch that chooses the
   * layout (see {@link #chooseChannelsLast}), which warms up both layouts. Then, for bf16 or
   * fp16, converts the network once its probe answers agree with fp32 (see
   * {@link ReplicaPrecision#adopt}), or throws.
   */
  public void warmUp() {
    warmUpFloat32();
    precision.adopt(network, spec, this::asInput);
  }

  private void warmUpFloat32() {
    if (tryChannelsLast) {
      channelsLast = chooseChannelsLast();
      return;
    }
    try (InferenceMode guard = new InferenceMode();
        PointerScope scope = new PointerScope()) {
      Tensor zeros = torch.zeros(1, spec.channels(), spec.height(), spec.width());
      Tensor logits = network.forward(onCpu ? zeros : zeros.to(device, torch.ScalarType.Float));
      checkShape(logits, 1);
    }
  }

  /**
   * Times one forward pass at {@code batchSize} on the path requests take (input layout and
   * device copy, network, softmax, top-5, copy back), for the batch profile. Call after
   * {@link #warmUp}, which settles the layout.
   */
  public long timeForward(int batchSize) {
    try (InferenceMode guard = new InferenceMode();
        PointerScope scope = new PointerScope()) {
      Tensor batch = smoothImages(batchSize);
      long start = System.nanoTime();
      Tensor logits = precision.forward(network, asInput(batch));
      checkShape(logits, batchSize);
      T_TensorTensor_T top = logits.softmax(1).topk(Math.min(5, spec.numClasses()));
      HostArrays.floats(top.get0());
      return System.nanoTime() - start;
    }
  }

  /**
   * Switches the replica to channels-last weights and inputs if its output for a probe batch is
   * the same as in the default layout (parity tolerance, 1e-4 x (1 + max |logit|)). A network
   * whose code depends on the layout (a {@code view} of activations, say) fails or differs, and
   * keeps the default layout, with a warning; no request ever sees the difference.
   */
  private boolean chooseChannelsLast() {
    try (InferenceMode guard = new InferenceMode();
        PointerScope scope = new PointerScope()) {
      Tensor probe = smoothImages(2);
      Tensor expected = network.forward(probe);
      checkShape(expected, 2);
      MemoryLayout.channelsLast(network);
      try {
        Tensor actual = network.forward(probe.contiguous(torch.MemoryFormat.ChannelsLast));
        double maxRef = expected.abs().max().item_double();
        double diff = expected.sub(actual).abs().max().item_double();
        if (diff <= 1e-4 * (1 + maxRef)) {
          LOG.info("model {} v{}: channels-last layout (max |logit difference| {})", model,
              version, diff);
          return true;
        }
        LOG.warn("model {} v{}: output differs in the channels-last layout (max |logit "
            + "difference| {}); serving the default layout", model, version, diff);
      } catch (RuntimeException e) {
        LOG.warn("model {} v{}: cannot run channels-last ({}); serving the default layout", model,
            version, String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      }
      MemoryLayout.contiguous(network);
      return false;
    }
  }

  /** Frees the network and the native device handle; the runner is unusable afterwards. */
  @Override
  public void close() {
    try {
      built.close();
    } finally {
      if (staging != null) {
        staging.close();
      }
      device.close();
    }
  }
}

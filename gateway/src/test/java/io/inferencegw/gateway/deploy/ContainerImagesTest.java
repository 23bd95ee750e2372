package io.inferencegw.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * What can be checked of the container images without pulling a base image: the launcher's JVM
 * memory settings (a share of the container's limit), the CPU image's Jib configuration and the
 * GPU Dockerfile (non-root, the launcher as entry point, files that the build produces, and a
 * CUDA base of the version our LibTorch build was compiled against).
 */
class ContainerImagesTest {

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path GPU_DOCKERFILE = REPO.resolve("deploy/docker/gpu.Dockerfile");

  @TempDir Path dir;

  /** The java command line deploy/gateway.sh runs, with a java on PATH that prints it. */
  private String launch(Map<String, String> env) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
    assertTrue(java.toFile().setExecutable(true));
    ProcessBuilder pb = new ProcessBuilder("sh", REPO.resolve("deploy/gateway.sh").toString(),
        "--port", "9");
    pb.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_") || k.equals("JAVA_OPTS"));
    pb.environment().putAll(env);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void theLauncherTakesTheHeapAsASizeOrAsAShareOfTheContainerLimit() throws Exception {
    String host = launch(Map.of());
    assertTrue(host.startsWith("-Xmx1g -XX:MaxDirectMemorySize=256m "), host);
    assertTrue(host.endsWith("gateway.jar --port 9"), host);
    String container = launch(Map.of("GATEWAY_HEAP", "25%", "GATEWAY_CLASSPATH", "@/app/cp",
        "GATEWAY_MAIN", "x.Main", "JAVA_OPTS", "-Da=1 -Db=2"));
    assertEquals("-XX:MaxRAMPercentage=25 -XX:MaxDirectMemorySize=256m"
        + " -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -Da=1 -Db=2 -cp @/app/cp x.Main --port 9",
        container);
  }

  private static String xpath(Document pom, String expression) throws Exception {
    return XPathFactory.newInstance().newXPath().evaluate(expression, pom).strip();
  }

  @Test
  void theCpuImageRunsTheLauncherAsANonRootUserWithADerivedHeap() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(REPO.resolve("gateway/pom.xml").toFile());
    String jib = "//profile[id='image']//plugin[artifactId='jib-maven-plugin']/configuration";
    assertEquals("/app/gateway.sh", xpath(pom, jib + "/container/entrypoint/arg"));
    String user = xpath(pom, jib + "/container/user");
    assertTrue(user.matches("[1-9]\\d*:[1-9]\\d*"), "a numeric non-root user: " + user);
    assertTrue(xpath(pom, jib + "/container/environment/GATEWAY_HEAP").endsWith("%"));
  }

  /** The Dockerfile's instructions, continuation lines joined. */
  private static List<String> instructions(Path dockerfile) throws Exception {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(dockerfile)) {
      if (line.isBlank() || line.strip().startsWith("#")) {
        continue;
      }
      current.append(line.strip());
      if (line.endsWith("\\")) {
        current.setLength(current.length() - 1);
        current.append(' ');
      } else {
        out.add(current.toString());
        current.setLength(0);
      }
    }
    return out;
  }

  @Test
  void theGpuImageMatchesOurLibTorchBuildAndRunsTheLauncherAsNonRoot() throws Exception {
    List<String> lines = instructions(GPU_DOCKERFILE);
    String base = lines.stream().filter(l -> l.startsWith("ARG CUDA_IMAGE=")).findFirst()
        .orElseThrow().substring("ARG CUDA_IMAGE=".length());
    Matcher cuda = Pattern.compile("nvidia/cuda:(\\d+\\.\\d+)\\.\\d+-cudnn-runtime-.+")
        .matcher(base);
    assertTrue(cuda.matches(), "a CUDA runtime with cuDNN: " + base);
    assertEquals(libTorchCudaVersion(), cuda.group(1),
        "the CUDA of the base image and of org.bytedeco:pytorch's CUDA build");

    String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b)
        .orElseThrow().substring(5);
    assertTrue(user.matches("[1-9]\\d*:[1-9]\\d*"), "a numeric non-root user: " + user);
    assertTrue(lines.contains("ENTRYPOINT [\"/app/gateway.sh\"]"), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("ENV ") && l.contains("GATEWAY_HEAP=")
        && l.matches(".*GATEWAY_HEAP=\\d+%.*")), "a heap derived from the container limit");
    // Every file copied in is one the repository or the build has: tests run before the
    // package phase makes the jar and lib/, so those two are checked against the pom.
    List<String> packaged = packageOutputs();
    for (String l : lines) {
      if (l.startsWith("COPY ")) {
        String source = l.split("\\s+")[1];
        assertTrue(packaged.contains(source) || Files.exists(REPO.resolve(source)),
            "COPY source the build does not make: " + source + " (package makes " + packaged
                + ")");
      }
    }
  }

  /** What the gateway module's package phase makes: its jar and the runtime libraries. */
  private static List<String> packageOutputs() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(REPO.resolve("gateway/pom.xml").toFile());
    String jar = "gateway/target/" + xpath(pom, "/project/build/finalName") + ".jar";
    String lib = xpath(pom, "//execution[id='runtime-libs']/configuration/outputDirectory")
        .replace("${project.build.directory}", "gateway/target");
    assertEquals("gateway/target/gateway.jar", jar, "the jar the launcher runs by default");
    return List.of(jar, lib);
  }

  /**
   * The CUDA version (major.minor) org.bytedeco:pytorch declares for its CUDA build, read from
   * its POM beside the jar on the test classpath.
   */
  private static String libTorchCudaVersion() throws Exception {
    Path jar = Path.of(org.bytedeco.pytorch.Module.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI());
    String name = jar.getFileName().toString();
    String version = jar.getParent().getFileName().toString();
    Path pom = jar.resolveSibling("pytorch-" + version + ".pom");
    assertTrue(Files.exists(pom), "no POM beside " + name);
    Matcher m = Pattern.compile("<artifactId>cuda</artifactId>\\s*<version>(\\d+\\.\\d+)-")
        .matcher(Files.readString(pom));
    assertTrue(m.find(), "pytorch's POM names no CUDA version");
    assertNotEquals("", m.group(1));
    return m.group(1);
  }
}

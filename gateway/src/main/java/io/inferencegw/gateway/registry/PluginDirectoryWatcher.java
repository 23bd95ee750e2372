package io.inferencegw.gateway.registry;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the plugins directory for JARs that appear, change or disappear.
 *
 * <p>A JAR is reported only once it is complete: its size and modification time have not
 * changed for {@code settleMillis}, and it opens as a zip (a half-written zip has no central
 * directory yet). A file that stays unreadable is reported as broken, once per version of it.
 * Names starting with a dot are ignored, so the safe way to deploy is to copy to a hidden name
 * and rename: {@code cp x.jar plugins/.x.jar.tmp && mv plugins/.x.jar.tmp plugins/x.jar}.
 *
 * <p>PF4J has no watcher; NIO's WatchService wakes the scan early, and a scan also runs every
 * {@code pollMillis}, since some file systems deliver no events.
 */
public final class PluginDirectoryWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PluginDirectoryWatcher.class);

  /** What the directory tells a listener; called on the watcher's own thread. */
  public interface Listener {
    void jarReady(Path jar);

    void jarRemoved(Path jar);

    void jarBroken(Path jar, String reason);
  }

  /** Size and modification time: when both stay put, the writer is done. */
  private record Fingerprint(long size, long modifiedMillis) {}

  private static final class Seen {
    Fingerprint fingerprint;
    long stableSinceMillis;
    Fingerprint reported;
  }

  private final Path dir;
  private final Listener listener;
  private final long settleMillis;
  private final long pollMillis;
  private final long brokenAfterMillis;
  private final Map<Path, Seen> files = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private WatchService watch;

  /**
   * @param alreadyLoaded JARs loaded at start-up: not reported again unless they change
   */
  public PluginDirectoryWatcher(
      Path dir, Listener listener, long settleMillis, long pollMillis, Set<Path> alreadyLoaded) {
    this.dir = dir;
    this.listener = listener;
    this.settleMillis = settleMillis;
    this.pollMillis = pollMillis;
    this.brokenAfterMillis = Math.max(3 * settleMillis, 2000);
    for (Path jar : alreadyLoaded) {
      Fingerprint f = fingerprint(jar);
      if (f != null) {
        Seen s = new Seen();
        s.fingerprint = f;
        s.reported = f;
        files.put(jar, s);
      }
    }
    this.thread = new Thread(this::run, "plugin-directory-watcher");
    this.thread.setDaemon(true);
  }

  public PluginDirectoryWatcher start() {
    try {
      watch = FileSystems.getDefault().newWatchService();
      dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException e) {
      LOG.warn("cannot watch {} ({}); polling every {} ms", dir, e.getMessage(), pollMillis);
    }
    thread.start();
    return this;
  }

  private void run() {
    while (running) {
      try {
        scan();
        if (watch != null) {
          var key = watch.poll(pollMillis, TimeUnit.MILLISECONDS);
          if (key != null) {
            key.pollEvents();
            key.reset();
          }
        } else {
          Thread.sleep(pollMillis);
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException e) {
        LOG.error("plugin directory scan failed", e);
      }
    }
  }

  /** One pass over the directory: report settled new/changed JARs and removed ones. */
  void scan() {
    long now = System.currentTimeMillis();
    Set<Path> present = new HashSet<>();
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
      for (Path jar : jars) {
        if (jar.getFileName().toString().startsWith(".")) {
          continue;
        }
        Fingerprint f = fingerprint(jar);
        if (f == null) {
          continue;
        }
        present.add(jar);
        Seen s = files.computeIfAbsent(jar, k -> new Seen());
        if (!f.equals(s.fingerprint)) {
          s.fingerprint = f;
          s.stableSinceMillis = now;
          continue;
        }
        if (f.equals(s.reported) || now - s.stableSinceMillis < settleMillis) {
          continue;
        }
        String problem = zipProblem(jar);
        if (problem == null) {
          s.reported = f;
          listener.jarReady(jar);
        } else if (now - s.stableSinceMillis >= brokenAfterMillis) {
          s.reported = f;
          listener.jarBroken(jar, problem);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot list {}: {}", dir, e.getMessage());
      return;
    }
    for (Path gone : Set.copyOf(files.keySet())) {
      if (!present.contains(gone)) {
        Seen s = files.remove(gone);
        if (s.reported != null) {
          listener.jarRemoved(gone);
        }
      }
    }
  }

  private static Fingerprint fingerprint(Path jar) {
    try {
      BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
      return a.isRegularFile() ? new Fingerprint(a.size(), a.lastModifiedTime().toMillis()) : null;
    } catch (IOException e) {
      return null; // vanished meanwhile
    }
  }

  /** Null when the file opens as a zip; otherwise why not. */
  private static String zipProblem(Path jar) {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.size() == 0 ? "empty zip, not a plugin JAR" : null;
    } catch (IOException e) {
      return "not a valid JAR (zip): " + e.getMessage();
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    if (watch != null) {
      try {
        watch.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}

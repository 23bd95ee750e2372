package io.inferencegw.gateway.connection;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP/2 client at the frame level (RFC 9113) on a plain socket, for what a library client
 * does not do: stop after the preface, or after SETTINGS, and see the server's GOAWAY.
 */
final class RawHttp2 implements AutoCloseable {

  static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int SETTINGS = 0x4;
  private static final int GOAWAY = 0x7;
  private static final int ACK = 0x1;

  /** A GOAWAY frame: its error code and debug data. */
  record GoAway(long errorCode, String debugData) {}

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  RawHttp2(int port) throws IOException {
    socket = new Socket("localhost", port);
    socket.setSoTimeout(20_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The preface and an empty SETTINGS frame: what a client sends before its first request. */
  void sendPrefaceAndSettings() throws IOException {
    send(PREFACE);
    writeFrame(SETTINGS, 0);
  }

  /** The parameters of the server's first SETTINGS frame, by identifier. */
  Map<Integer, Long> awaitSettings() throws IOException {
    while (true) {
      int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
      int type = in.readUnsignedByte();
      int flags = in.readUnsignedByte();
      in.readInt();
      byte[] payload = new byte[length];
      in.readFully(payload);
      if (type == SETTINGS && (flags & ACK) == 0) {
        writeFrame(SETTINGS, ACK);
        Map<Integer, Long> settings = new TreeMap<>();
        DataInputStream p = new DataInputStream(new ByteArrayInputStream(payload));
        for (int i = 0; i < length / 6; i++) {
          settings.put(p.readUnsignedShort(), p.readInt() & 0xFFFFFFFFL);
        }
        return settings;
      }
    }
  }

  /** Reads frames, acknowledging the server's SETTINGS, until a GOAWAY. */
  GoAway awaitGoAway() throws IOException {
    while (true) {
      int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
      int type = in.readUnsignedByte();
      int flags = in.readUnsignedByte();
      in.readInt(); // stream id
      byte[] payload = new byte[length];
      in.readFully(payload);
      if (type == SETTINGS && (flags & ACK) == 0) {
        writeFrame(SETTINGS, ACK);
      } else if (type == GOAWAY) {
        long code = (payload[4] & 0xFFL) << 24 | (payload[5] & 0xFF) << 16
            | (payload[6] & 0xFF) << 8 | (payload[7] & 0xFF);
        return new GoAway(code, new String(payload, 8, length - 8, StandardCharsets.UTF_8));
      }
    }
  }

  /** Whether the server closes the connection (end of stream or reset) without a GOAWAY. */
  boolean closedWithoutGoAway() throws IOException {
    try {
      awaitGoAway();
      return false;
    } catch (EOFException | java.net.SocketException e) {
      return true;
    }
  }

  private void writeFrame(int type, int flags) throws IOException {
    send(new byte[] {0, 0, 0, (byte) type, (byte) flags, 0, 0, 0, 0});
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

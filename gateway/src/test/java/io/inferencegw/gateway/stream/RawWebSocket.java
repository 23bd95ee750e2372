package io.inferencegw.gateway.stream;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * A WebSocket client written against RFC 6455 on a plain socket, for what a library client
 * cannot do: announce a frame larger than the gateway's hard cap without sending it all, so that
 * the gateway's close frame can be read without a race against a TCP reset; send pings without
 * reading the pongs; send text that is not UTF-8.
 */
final class RawWebSocket implements AutoCloseable {

  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** A frame from the server: its opcode and payload. */
  record Frame(int opcode, byte[] payload) {
    int closeCode() {
      return (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF);
    }

    String closeReason() {
      return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  RawWebSocket(int port, String path) throws IOException {
    socket = new Socket("localhost", port);
    socket.setSoTimeout(20_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    String status = readLine();
    if (!status.startsWith("HTTP/1.1 101")) {
      throw new IOException("handshake refused: " + status);
    }
    while (!readLine().isEmpty()) {
      // response headers
    }
  }

  /**
   * Sends the header of a masked binary frame of {@code length} bytes and then only
   * {@code sent} bytes of its payload.
   */
  void sendFrameStart(long length, int sent) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x82); // FIN, binary
    frame.write(0x80 | 127); // masked, 64-bit length
    for (int shift = 56; shift >= 0; shift -= 8) {
      frame.write((int) (length >>> shift) & 0xFF);
    }
    frame.write(new byte[4]); // a zero mask leaves the payload as is
    frame.write(new byte[sent]);
    out.write(frame.toByteArray());
    out.flush();
  }

  /** One masked frame (payload below 64 KiB), as bytes to write. */
  static byte[] frame(int opcode, boolean fin, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write((fin ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xFF);
    }
    frame.write(new byte[4], 0, 4); // a zero mask leaves the payload as is
    frame.write(payload, 0, payload.length);
    return frame.toByteArray();
  }

  /** Writes frames (see {@link #frame}) in one go. */
  void send(byte[]... frames) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      all.write(f);
    }
    out.write(all.toByteArray());
    out.flush();
  }

  /** Reads frames up to the server's close frame; null instead of it if the socket just ends. */
  Frame readUntilClose(List<Frame> before) throws IOException {
    try {
      while (true) {
        Frame f = readFrame();
        if (f.opcode() == CLOSE) {
          return f;
        }
        before.add(f);
      }
    } catch (EOFException | SocketException ended) {
      return null;
    }
  }

  Frame readFrame() throws IOException {
    int first = in.readUnsignedByte();
    int second = in.readUnsignedByte();
    long length = second & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    return new Frame(first & 0x0F, payload);
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed during the handshake");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

package io.inferencegw.gateway.connection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/** An HTTP/1.1 client on a plain socket: it can send part of a request head, or nothing. */
final class RawHttp1 implements AutoCloseable {

  /** A response: status line, and the body (read to the end of the connection). */
  record Response(String statusLine, String body) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawHttp1(int port) throws IOException {
    socket = new Socket("localhost", port);
    socket.setSoTimeout(20_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads one response whose body is delimited by Content-Length. */
  Response readResponse() throws IOException {
    String status = readLine();
    int length = 0;
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return new Response(status, new String(in.readNBytes(length), StandardCharsets.UTF_8));
  }

  /** Reads until the server closes the connection; true if it did (end of stream or reset). */
  boolean closedByServer() throws IOException {
    try {
      while (in.read() >= 0) {
        // anything sent before the close
      }
      return true;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed within a response head");
      }
      if (c != '\r') {
        line.write(c);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

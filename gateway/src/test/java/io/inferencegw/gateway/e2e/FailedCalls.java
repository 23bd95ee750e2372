package io.inferencegw.gateway.e2e;

import io.inferencegw.gateway.client.GatewayClient;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/** Outcomes of calls that tests expect to fail. */
final class FailedCalls {

  private FailedCalls() {}

  /** The error status the gateway answered a call with; fails the test if the call succeeded. */
  static GatewayClient.CallFailed failure(Future<?> call) throws Exception {
    try {
      call.await(60, TimeUnit.SECONDS);
    } catch (GatewayClient.CallFailed e) {
      return e;
    }
    throw new AssertionError("the call succeeded, an error was expected");
  }
}

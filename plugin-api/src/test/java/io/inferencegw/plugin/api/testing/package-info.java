/**
 * Support every module's tests share, published with plugin-api's other test classes in its
 * test-jar (see the parity package for the dependency to declare):
 *
 * <ul>
 *   <li>{@link io.inferencegw.plugin.api.testing.Await}: waiting for something another thread
 *       or process does, by polling it against a deadline, never by sleeping a guessed time;
 *   <li>{@link io.inferencegw.plugin.api.testing.Prerequisites}: what a test needs from the
 *       machine (Debian packages, tools); missing, it skips the test on a developer's machine
 *       and fails it under CI.
 * </ul>
 */
package io.inferencegw.plugin.api.testing;

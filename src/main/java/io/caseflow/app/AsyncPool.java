package io.caseflow.app;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

/**
 * The pool CompletableFuture runs callbacks on when given no executor. Every CompletionStage Pekko
 * hands out (an ask's answer, a stream's result, what {@code pipeToSelf} waits for) is a Scala
 * future's, which runs even its plain {@code thenApply} or {@code whenComplete} on that pool. With
 * fewer than three cores the JDK's common pool has one thread, and CompletableFuture then starts
 * <em>a new thread for each callback</em>: on two cores, every command started a thread.
 */
public final class AsyncPool {

  static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private AsyncPool() {}

  /**
   * Gives the common pool two threads where the JDK would give it fewer (one per core but one),
   * unless the JVM was told a number; must run before anything uses CompletableFuture, so Main
   * calls it first.
   */
  public static void ensureThreads() {
    if (System.getProperty(PARALLELISM) == null
        && Runtime.getRuntime().availableProcessors() - 1 < 2) {
      System.setProperty(PARALLELISM, "2");
    }
  }

  /** Whether callbacks without an executor run on a pool rather than each on a new thread. */
  static boolean isPooled() {
    return new CompletableFuture<Void>().defaultExecutor() instanceof ForkJoinPool;
  }
}

package io.caseflow.testing;

import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.apache.pekko.http.javadsl.testkit.RouteTest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.TestInstance;
import scala.concurrent.Future;

/**
 * pekko-http-testkit's route tests under JUnit 5 (the testkit ships a JUnit 4 base only): routes
 * run in memory, without a server or a database, on one actor system per test class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class JUnit5RouteTest extends RouteTest {

  private final ActorSystem system = ActorSystem.create(getClass().getSimpleName());
  private final Materializer materializer = Materializer.matFromSystem(system);

  @Override
  public ActorSystem system() {
    return system;
  }

  @Override
  public Materializer materializer() {
    return materializer;
  }

  @Override
  public TestRouteResult createTestRouteResultAsync(
      HttpRequest request, Future<RouteResult> result) {
    return new TestRouteResult(result, awaitDuration(), system.dispatcher(), materializer) {
      @Override
      public void fail(String message) {
        Assertions.fail(message);
      }

      @Override
      public void assertEquals(Object expected, Object actual, String message) {
        Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertEquals(int expected, int actual, String message) {
        Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertTrue(boolean predicate, String message) {
        Assertions.assertTrue(predicate, message);
      }
    };
  }

  @AfterAll
  void shutDown() {
    TestKit.shutdownActorSystem(system);
  }
}

package io.ledgerbridge.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.store.Instances;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.timer.TimerConsumer;
import org.apache.camel.component.timer.TimerEndpoint;
import org.junit.jupiter.api.Test;

/**
 * Readiness covers the database, Kafka and the routes; a stopped flow makes the instance not ready. Liveness and
 * readiness cover the workers the flows run on: a timer whose thread died, a stopped instance heartbeat.
 */
@QuarkusTest
class HealthTest {

    @Inject
    CamelContext camel;

    @Test
    void readyWithDatabaseKafkaAndRoutesAndNotReadyWhileAFlowIsStopped() throws Exception {
        given().get(io.ledgerbridge.testing.Management.url("/q/health/ready")).then().statusCode(200)
                .body("checks.name", hasItems("Database connections health check", "kafka", "camel routes"))
                .body("checks.find { it.name == 'kafka' }.status", is("UP"))
                .body("checks.find { it.name == 'camel routes' }.status", is("UP"));

        camel.getRouteController().stopRoute("billing-run");
        try {
            given().get(io.ledgerbridge.testing.Management.url("/q/health/ready")).then().statusCode(503)
                    .body("checks.find { it.name == 'camel routes' }.status", is("DOWN"))
                    .body("checks.find { it.name == 'camel routes' }.data.notStarted", containsString("billing-run"));
        } finally {
            camel.getRouteController().startRoute("billing-run");
        }
        given().get(io.ledgerbridge.testing.Management.url("/q/health/ready")).then().statusCode(200);
    }

    @Inject
    RouteActivity activity;

    @Inject
    Instances instances;

    @Test
    void aTimerWhoseThreadDiedMakesTheInstanceNotLiveUntilItsRouteIsRestarted() {
        Route route = camel.getRoute("dead-letter-topic");
        TimerEndpoint endpoint = (TimerEndpoint) route.getEndpoint();
        TimerConsumer consumer = (TimerConsumer) route.getConsumer();
        given().get(io.ledgerbridge.testing.Management.url("/q/health/live")).then().statusCode(200);

        // an error ends the timer's thread, as running out of memory did: the route stays "Started" and never fires
        Timer timer = endpoint.getTimer(consumer);
        timer.schedule(new TimerTask() {
            @Override
            public void run() {
                // the thread's own handler takes the error: the JVM-wide one is surefire's in the forked test JVM,
                // which reports any uncaught error as a failure of the whole fork
                Thread.currentThread().setUncaughtExceptionHandler((thread, error) -> { });
                throw new OutOfMemoryError("test: the timer thread ends as it did when the heap ran out");
            }
        }, 0);
        endpoint.removeTimer(consumer);

        io.restassured.response.Response down = await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200)).until(() -> given().get(io.ledgerbridge.testing.Management.url("/q/health/live")),
                        answer -> answer.statusCode() == 503);
        down.then().body("checks.find { it.name == 'flow consumers' }.data.stalled",
                containsString("dead-letter-topic: the timer has not fired"));

        // restarted by the check: live again, and the timer fires again
        await().atMost(Duration.ofSeconds(20)).until(() -> given().get(io.ledgerbridge.testing.Management.url("/q/health/live")).statusCode() == 200);
        long restarted = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> activity.lastActive("dead-letter-topic") > restarted);
    }

    @Test
    void aStoppedHeartbeatIsReportedOnceAndStartedAgain() throws Exception {
        instances.id(); // registered, beating
        java.lang.reflect.Field beating = Instances.class.getDeclaredField("beating");
        beating.setAccessible(true);
        ScheduledExecutorService pool = (ScheduledExecutorService) beating.get(unproxied(instances));
        pool.shutdownNow(); // the pool closed, as a fatal error in its thread would leave it

        given().get(io.ledgerbridge.testing.Management.url("/q/health/live")).then().statusCode(503)
                .body("checks.find { it.name == 'flow consumers' }.data.stalled",
                        containsString("heartbeat's thread pool was closed"));
        given().get(io.ledgerbridge.testing.Management.url("/q/health/live")).then().statusCode(200);
        assertThat(((ScheduledExecutorService) beating.get(unproxied(instances))).isShutdown()).isFalse();
    }

    private static Object unproxied(Object bean) {
        return bean instanceof io.quarkus.arc.ClientProxy proxy ? proxy.arc_contextualInstance() : bean;
    }
}

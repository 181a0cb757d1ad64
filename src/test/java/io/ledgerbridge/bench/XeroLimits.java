package io.ledgerbridge.bench;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Xero's published limits per organisation, enforced by the stub as Xero does (contracts README), on a time scale a
 * benchmark can wait for: {@code perWindow} calls in any rolling window of {@code windowMillis} (Xero: 60 a minute),
 * {@code concurrent} calls at once (5; each call takes {@code latencyMillis} to answer, as a real one does), and
 * {@code perDay} calls in all (5,000). A call beyond a limit is answered 429 with Retry-After and not served; every
 * answer carries X-MinLimit-Remaining and X-DayLimit-Remaining.
 */
final class XeroLimits implements ResponseTransformerV2 {

    static volatile int perWindow = Integer.MAX_VALUE;
    static volatile long windowMillis = 60_000;
    static volatile int concurrent = Integer.MAX_VALUE;
    static volatile int perDay = Integer.MAX_VALUE;
    static volatile long latencyMillis;

    private static final Deque<Long> admitted = new ArrayDeque<>();
    private static final AtomicInteger inFlight = new AtomicInteger();
    static final AtomicInteger dayUsed = new AtomicInteger();
    static final AtomicInteger refusedRate = new AtomicInteger();
    static final AtomicInteger refusedConcurrency = new AtomicInteger();
    static final AtomicInteger refusedDay = new AtomicInteger();
    static final AtomicInteger mostInFlight = new AtomicInteger();

    static void reset() {
        synchronized (admitted) {
            admitted.clear();
        }
        dayUsed.set(0);
        refusedRate.set(0);
        refusedConcurrency.set(0);
        refusedDay.set(0);
        mostInFlight.set(0);
    }

    /** A new day: the day's calls start again at 0. */
    static void newDay() {
        dayUsed.set(0);
    }

    @Override
    public Response transform(Response response, ServeEvent event) {
        String url = event.getRequest().getUrl();
        if (event.getRequest().getHeader("Xero-Tenant-Id") == null || !url.contains(".xro/")) {
            return response;
        }
        int now = inFlight.incrementAndGet();
        try {
            mostInFlight.accumulateAndGet(now, Math::max);
            if (now > concurrent) {
                refusedConcurrency.incrementAndGet();
                return refuse(response, 1);
            }
            if (dayUsed.get() >= perDay) {
                refusedDay.incrementAndGet();
                return refuse(response, 3600);
            }
            int remaining;
            synchronized (admitted) {
                long at = System.nanoTime();
                while (!admitted.isEmpty() && at - admitted.peekFirst() >= windowMillis * 1_000_000) {
                    admitted.pollFirst();
                }
                if (admitted.size() >= perWindow) {
                    refusedRate.incrementAndGet();
                    return refuse(response, 1);
                }
                admitted.addLast(at);
                remaining = perWindow - admitted.size();
            }
            int day = dayUsed.incrementAndGet();
            if (latencyMillis > 0) {
                Thread.sleep(latencyMillis);
            }
            return Response.Builder.like(response).but().headers(response.getHeaders()
                    .plus(new HttpHeader("X-MinLimit-Remaining", String.valueOf(remaining)))
                    .plus(new HttpHeader("X-DayLimit-Remaining", String.valueOf(Math.max(0, perDay - day)))))
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return response;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static Response refuse(Response response, int retryAfterSeconds) {
        return Response.Builder.like(response).but().status(429)
                .headers(new com.github.tomakehurst.wiremock.http.HttpHeaders(
                        new HttpHeader("Retry-After", String.valueOf(retryAfterSeconds)),
                        new HttpHeader("Content-Type", "application/json")))
                .body("{\"Title\":\"Too Many Requests\",\"Status\":429}").build();
    }

    @Override
    public String getName() {
        return "xero-limits";
    }

    @Override
    public boolean applyGlobally() {
        return true;
    }
}

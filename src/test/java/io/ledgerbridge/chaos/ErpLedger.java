package io.ledgerbridge.chaos;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Xero Projects' time entries as the ERP keeps them, for fault runs: a create with an Idempotency-Key already seen
 * answers the entry it created then (Xero's idempotency), so a re-send after a crash is absorbed and counted, while
 * an entry created under two keys is a real duplicate. The ERP can be switched down (503) or rate-limited (a budget
 * of calls per second, the rest answered 429 with Retry-After), and every call's arrival is kept for the checks.
 */
final class ErpLedger implements ResponseTransformerV2 {

    static final String NAME = "chaos-erp-ledger";
    private static final Pattern SOURCE = Pattern.compile("harvest-(\\d+)-");

    enum Mode { UP, DOWN, RATE_LIMITED }

    /** One call as the ERP saw it: when it arrived (nanoTime), its key, and the status answered. */
    record Call(long at, String key, int status) {
    }

    private static volatile Mode mode = Mode.UP;
    private static volatile long latencyMillis;
    private static volatile int callsPerSecond;
    private static volatile int retryAfterSeconds;
    private static final AtomicLong window = new AtomicLong();
    private static final AtomicInteger inWindow = new AtomicInteger();

    /** Idempotency-Key -> the ERP's time entry id created under it. */
    static final Map<String, String> created = new ConcurrentHashMap<>();
    /** Source entry id -> the ERP ids created for it (more than one is a duplicate in the ERP). */
    static final Map<Long, Set<String>> bySource = new ConcurrentHashMap<>();
    static final AtomicInteger resentSameKey = new AtomicInteger();
    static final AtomicInteger withoutKey = new AtomicInteger();
    static final java.util.Queue<Call> calls = new java.util.concurrent.ConcurrentLinkedQueue<>();

    static void up() {
        mode = Mode.UP;
    }

    static void down() {
        mode = Mode.DOWN;
    }

    /** At most {@code perSecond} calls answered per second; the others get 429 and Retry-After. */
    static void rateLimited(int perSecond, int retryAfter) {
        callsPerSecond = perSecond;
        retryAfterSeconds = retryAfter;
        mode = Mode.RATE_LIMITED;
    }

    /** How long the ERP takes to answer a create (a slow ERP keeps postings in flight, where a crash hurts). */
    static void latency(long millis) {
        latencyMillis = millis;
    }

    static int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    @Override
    public Response transform(Response response, ServeEvent event) {
        long now = System.nanoTime();
        String key = event.getRequest().getHeader("Idempotency-Key");
        Mode current = mode;
        if (current == Mode.DOWN) {
            calls.add(new Call(now, key, 503));
            return answer(response, 503, "{\"Type\":\"ServiceUnavailable\",\"Message\":\"chaos: the ERP is down\"}");
        }
        if (current == Mode.RATE_LIMITED && !admitted(now)) {
            calls.add(new Call(now, key, 429));
            return Response.Builder.like(response).but().status(429)
                    .headers(new HttpHeaders(new HttpHeader("Content-Type", "application/json"),
                            new HttpHeader("Retry-After", String.valueOf(retryAfterSeconds))))
                    .body("{\"Type\":\"RateLimitExceeded\",\"Message\":\"chaos: minute limit\"}").build();
        }
        calls.add(new Call(now, key, 200));
        if (latencyMillis > 0) {
            try {
                Thread.sleep(latencyMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String id;
        if (key == null) {
            withoutKey.incrementAndGet();
            id = UUID.randomUUID().toString();
        } else {
            boolean[] fresh = {false};
            id = created.computeIfAbsent(key, k -> {
                fresh[0] = true;
                return UUID.randomUUID().toString();
            });
            if (fresh[0]) {
                Matcher source = SOURCE.matcher(key);
                if (source.find()) {
                    bySource.computeIfAbsent(Long.parseLong(source.group(1)), s -> ConcurrentHashMap.newKeySet()).add(id);
                }
            } else {
                resentSameKey.incrementAndGet();
            }
        }
        return answer(response, 200, "{\"timeEntryId\":\"" + id + "\",\"status\":\"ACTIVE\"}");
    }

    /** A fixed window of one second holding at most callsPerSecond calls. */
    private static boolean admitted(long now) {
        long second = now / 1_000_000_000L;
        if (window.getAndSet(second) != second) {
            inWindow.set(0);
        }
        return inWindow.incrementAndGet() <= callsPerSecond;
    }

    private static Response answer(Response like, int status, String body) {
        return Response.Builder.like(like).but().status(status)
                .headers(new HttpHeaders(new HttpHeader("Content-Type", "application/json"))).body(body).build();
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }
}

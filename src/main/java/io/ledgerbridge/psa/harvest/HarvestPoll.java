package io.ledgerbridge.psa.harvest;

import io.ledgerbridge.poll.PollWatermark;
import io.ledgerbridge.store.StoreTime;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.config.LedgerbridgeConfig.Sources.Harvest;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The incremental poll of Harvest's approved time ({@code GET /time_entries?updated_since=}, approved entries
 * kept), page
 * by page; the watermark in the store moves only after every page's entries are durably taken in.
 */
@ApplicationScoped
@Named("harvestPoll")
public class HarvestPoll {

    public static final String SOURCE = "harvest:time_entries";
    /** Exchange property: the page of the poll to read next (begin and page write it, request reads it). */
    static final String PAGE = "ledgerbridgeHarvestPage";
    /** Exchange property: the poll's updated_since (begin writes it, request reads it). */
    static final String SINCE = "ledgerbridgeHarvestSince";
    /** Exchange property: the latest updated_at seen, the next poll's start (page writes it, advance reads it). */
    static final String HIGHEST = "ledgerbridgeHarvestHighest";

    private final LedgerbridgeConfig config;
    private final ObjectMapper json;

    HarvestPoll(LedgerbridgeConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
    }

    /** Starts a poll at the stored watermark, on page 1. */
    public void begin(Exchange exchange) {
        Instant since = QuarkusTransaction.requiringNew().call(() -> {
            PollWatermark mark = PollWatermark.findById(SOURCE);
            return mark != null ? mark.watermark : Instant.parse(harvest().poll().initialWatermark());
        });
        exchange.setProperty(SINCE, since);
        exchange.setProperty(HIGHEST, since);
        exchange.setProperty(PAGE, 1);
    }

    /** Prepares the request of the current page: query and Harvest's authentication headers. */
    public void request(Exchange exchange) {
        Message in = exchange.getMessage();
        Instant since = exchange.getProperty(SINCE, Instant.class);
        int page = exchange.getProperty(PAGE, Integer.class);
        in.removeHeaders("*");
        in.setHeader(Exchange.HTTP_METHOD, "GET");
        // Harvest's contract has no approval filter on this list: approval (is_closed) is checked on each entry
        in.setHeader(Exchange.HTTP_QUERY, "updated_since="
                + URLEncoder.encode(since.toString(), StandardCharsets.UTF_8) + "&page=" + page + "&per_page="
                + harvest().poll().perPage());
        in.setHeader("Authorization", "Bearer " + harvest().token().orElse(""));
        in.setHeader("Harvest-Account-Id", harvest().accountId().orElse(""));
        in.setHeader("User-Agent", "ledgerbridge");
        in.setHeader("Accept", "application/json");
        in.setBody(null);
    }

    /**
     * Reads one page: returns its approved entries (each its own JSON document), remembers the newest
     * {@code updated_at}, and sets the next page (none after the last).
     */
    public List<String> page(Exchange exchange) throws IOException {
        Message in = exchange.getMessage();
        int status = in.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status != 200) {
            throw new FlowFailure(status == 429 || status >= 500 ? ErrorClass.TARGET_UNAVAILABLE : ErrorClass.TARGET_REJECTED,
                    "Harvest answered " + status + " to the time entry poll");
        }
        JsonNode answer;
        try {
            answer = json.readTree(in.getBody(String.class));
        } catch (JsonProcessingException unreadable) {
            // nothing of the page is taken and the watermark stays: the next poll asks for the same page again
            throw new FlowFailure(ErrorClass.TARGET_REJECTED, "Harvest answered page " + exchange.getProperty(PAGE)
                    + " of the time entry poll with a body that is not JSON: " + unreadable.getOriginalMessage());
        }
        if (answer == null || !answer.path("time_entries").isArray()) {
            throw new FlowFailure(ErrorClass.TARGET_REJECTED, "Harvest answered page " + exchange.getProperty(PAGE)
                    + " of the time entry poll without a time_entries list");
        }
        List<String> approved = new ArrayList<>();
        Instant highest = exchange.getProperty(HIGHEST, Instant.class);
        for (JsonNode entry : answer.path("time_entries")) {
            // only an entry that says it is not approved is left out; anything else (an entry whose is_closed is
            // not a boolean, one that is not an object at all) goes to the flow, whose validation dead-letters it
            if (!entry.path("is_closed").isBoolean() || entry.path("is_closed").booleanValue()) {
                // text that is not valid Unicode travels escaped, so that the flow sees (and refuses) what Harvest
                // sent instead of the '?' that UTF-8 would make of it
                approved.add(io.ledgerbridge.flow.FlowJson.unfitText(entry) == null ? json.writeValueAsString(entry)
                        : json.writer().with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
                                .writeValueAsString(entry));
            }
            String updated = entry.path("updated_at").asText(null);
            if (updated != null) {
                try {
                    Instant at = Instant.parse(updated);
                    if (at.isAfter(highest)) {
                        highest = at;
                    }
                } catch (java.time.format.DateTimeParseException notATime) {
                    // such an entry fails validation in the flow; it does not move the watermark
                }
            }
        }
        exchange.setProperty(HIGHEST, highest);
        JsonNode next = answer.path("next_page");
        exchange.setProperty(PAGE, next.isNumber() ? next.asInt() : null);
        in.removeHeaders("*");
        return approved;
    }

    /** Whether another page is to be read. */
    public boolean hasNextPage(Exchange exchange) {
        return exchange.getProperty(PAGE) != null;
    }

    /** Moves the watermark to the newest {@code updated_at} read, once all pages are in. */
    public void advance(Exchange exchange) {
        Instant highest = exchange.getProperty(HIGHEST, Instant.class);
        Instant now = StoreTime.now();
        QuarkusTransaction.requiringNew().run(() -> {
            PollWatermark mark = PollWatermark.findById(SOURCE);
            if (mark == null) {
                mark = new PollWatermark();
                mark.source = SOURCE;
            }
            mark.watermark = highest;
            mark.updatedAt = now;
            mark.persist();
        });
    }

    private Harvest harvest() {
        return config.sources().harvest();
    }
}

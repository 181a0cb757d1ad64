package io.ledgerbridge.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.ExchangeHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A flow's steps share one parse of the same body, and never a parse that could be stale: another text, another
 * exchange (a copy), or a node a step has taken to change is parsed again.
 */
class FlowJsonTest {

    final FlowJson json = new FlowJson(new ObjectMapper());
    final CamelContext camel = new DefaultCamelContext();

    @AfterEach
    void stop() throws Exception {
        camel.close();
    }

    @Test
    void theStepsOfOneExchangeShareTheParseOfTheSameBody() {
        Exchange exchange = new DefaultExchange(camel);
        String body = "{\"id\":1,\"hours\":1.5}";

        assertThat(json.read(exchange, body)).isSameAs(json.read(exchange, body));
        // equal text that is another object (a new body) is parsed again: identity, not equality, proves sameness
        assertThat(json.read(exchange, new String(body))).isNotSameAs(json.read(exchange, body))
                .isEqualTo(json.read(exchange, body));
    }

    @Test
    void aCopyOfTheExchangeParsesForItself() {
        Exchange exchange = new DefaultExchange(camel);
        String body = "{\"id\":1}";
        var first = json.read(exchange, body);

        Exchange copy = ExchangeHelper.createCopy(exchange, true);
        assertThat(json.read(copy, body)).isNotSameAs(first).isEqualTo(first);
    }

    @Test
    void aNodeTakenToBeChangedIsNoLongerShared() {
        Exchange exchange = new DefaultExchange(camel);
        String body = "{\"id\":1}";
        var shared = json.read(exchange, body);

        ObjectNode changing = (ObjectNode) json.take(exchange, body);
        assertThat(changing).isSameAs(shared);
        changing.put("half", "changed"); // e.g. a step that fails midway: its body is still the old text
        var again = json.read(exchange, body);
        assertThat(again).isNotSameAs(changing);
        assertThat(again.has("half")).isFalse();
        // a second taker of the same text gets its own parse too
        assertThat(json.take(exchange, body)).isNotSameAs(changing);
    }

    @Test
    void whatAStepWritesIsTheParseOfTheNextBody() {
        Exchange exchange = new DefaultExchange(camel);
        ObjectNode entry = (ObjectNode) json.take(exchange, "{\"id\":1}");
        entry.put("durationMinutes", 90);

        String next = json.write(exchange, entry);
        assertThat(next).isEqualTo("{\"id\":1,\"durationMinutes\":90}");
        assertThat(json.read(exchange, next)).isSameAs(entry);
    }

    @Test
    void aSharedParseStillRefusesWhatIsNotJson() {
        Exchange exchange = new DefaultExchange(camel);
        assertThatThrownBy(() -> json.read(exchange, "{\"id\":")).isInstanceOf(FlowFailure.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> json.take(exchange, "{\"note\":\"\\u0000\"}")).isInstanceOf(FlowFailure.class)
                .hasMessageContaining("NUL");
    }
}

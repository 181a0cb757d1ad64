package io.ledgerbridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A group's values become fixed-width single-valued parameters, in as many queries as needed, nothing lost. */
class InListsTest {

    /** What each query was asked: its text and its parameters. */
    private final List<String> texts = new ArrayList<>();
    private final List<List<Object>> asked = new ArrayList<>();

    private static final InLists.Query QUERY = InLists.query(
            width -> "flow = ?1 and sourceId in (" + InLists.parameters(2, width) + ")");

    private List<Object> run(List<Integer> values) {
        return InLists.select(values, QUERY,
                (query, parameters) -> {
                    texts.add(query);
                    asked.add(Arrays.asList(parameters));
                    // answers the values asked for, once each, as a store would
                    return Arrays.stream(parameters).skip(1).distinct().toList();
                }, "flow");
    }

    @Test
    void aSmallGroupIsOneQueryOfEightTheLastValueRepeated() {
        List<Object> found = run(List.of(4, 5, 6));

        assertThat(texts).containsExactly("flow = ?1 and sourceId in (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        assertThat(asked.get(0)).containsExactly("flow", 4, 5, 6, 6, 6, 6, 6, 6);
        assertThat(found).containsExactly(4, 5, 6);
    }

    @Test
    void aLargeGroupIsQueriesOfThirtyTwoAndEveryValueIsAsked() {
        List<Integer> values = IntStream.rangeClosed(1, 70).boxed().toList();

        List<Object> found = run(values);

        assertThat(texts).hasSize(3).allMatch(text -> text.endsWith("?33)"));
        assertThat(asked).allMatch(parameters -> parameters.size() == 33);
        assertThat(asked.get(2).subList(1, 33)).containsOnly(65, 66, 67, 68, 69, 70);
        assertThat(found).containsExactlyInAnyOrderElementsOf(values);
    }

    @Test
    void noValuesNoQuery() {
        assertThat(run(List.of())).isEmpty();
        assertThat(texts).isEmpty();
    }
}

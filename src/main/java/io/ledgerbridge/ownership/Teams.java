package io.ledgerbridge.ownership;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.mapping.MappingFiles;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The teams that own exceptions and the rules that say which team owns which, from the operators' mapping file
 * ({@code mappings/ownership.json}, {@code ledgerbridge.ownership.file}): the first rule whose flow, error class or
 * finding type and legal entity all match names the team. A file whose last rule does not match everything, or that
 * names a team it does not declare, fails the start: no exception may end up without an owner.
 */
@ApplicationScoped
@Startup
public class Teams {

    /** A team: its id, display name and the user names of its members. */
    public record Team(String id, String name, List<String> members) {
    }

    /** What an owner rule looks at; null when the exception has no such attribute (a finding has no error class). */
    public record Subject(String flow, String errorClass, String findingType, String entity) {
    }

    /** One rule: each field lists the values it matches; an empty set matches anything. */
    record Rule(Set<String> flows, Set<String> errorClasses, Set<String> findingTypes, Set<String> entities,
            String team) {

        boolean matches(Subject subject) {
            return matches(flows, subject.flow()) && matches(errorClasses, subject.errorClass())
                    && matches(findingTypes, subject.findingType()) && matches(entities, subject.entity());
        }

        boolean matchesEverything() {
            return flows.isEmpty() && errorClasses.isEmpty() && findingTypes.isEmpty() && entities.isEmpty();
        }

        private static boolean matches(Set<String> values, String value) {
            return values.isEmpty() || value != null && values.contains(value);
        }
    }

    private final Map<String, Team> teams;
    private final List<Rule> rules;

    @Inject
    Teams(ObjectMapper json, LedgerbridgeConfig config) throws IOException {
        this(json, config.mappings().location(), config.ownership().file());
    }

    /** Reads and checks the ownership file {@code file} of the mappings folder {@code location}. */
    Teams(ObjectMapper json, String location, String file) throws IOException {
        JsonNode document = MappingFiles.readValid(json, location, file, "ownership.schema.json");
        Map<String, Team> declared = new LinkedHashMap<>();
        document.path("teams").fields().forEachRemaining(team -> {
            List<String> members = new ArrayList<>();
            team.getValue().path("members").forEach(member -> members.add(member.asText()));
            declared.put(team.getKey(), new Team(team.getKey(), team.getValue().path("name").asText(),
                    List.copyOf(members)));
        });
        List<Rule> read = new ArrayList<>();
        for (JsonNode rule : document.path("owners")) {
            String team = rule.path("team").asText();
            if (!declared.containsKey(team)) {
                throw new IllegalStateException(location + "/" + file + ": owner rule " + (read.size() + 1)
                        + " names team '" + team + "', which is not among the teams " + declared.keySet());
            }
            read.add(new Rule(values(rule.path("flow")), values(rule.path("errorClass")),
                    values(rule.path("findingType")), values(rule.path("entity")), team));
        }
        if (!read.get(read.size() - 1).matchesEverything()) {
            throw new IllegalStateException(location + "/" + file + ": the last owner rule must match everything "
                    + "(only a team, no flow, errorClass, findingType or entity), so that every exception has an owner");
        }
        this.teams = java.util.Collections.unmodifiableMap(declared);
        this.rules = List.copyOf(read);
    }

    private static Set<String> values(JsonNode array) {
        Set<String> values = new LinkedHashSet<>();
        array.forEach(value -> values.add(value.asText()));
        return Set.copyOf(values);
    }

    /** The id of the team that owns an exception of this kind. */
    public String ownerOf(Subject subject) {
        return rules.stream().filter(rule -> rule.matches(subject)).findFirst().orElseThrow().team();
    }

    /** Every team, in the file's order. */
    public List<Team> all() {
        return List.copyOf(teams.values());
    }

    public boolean exists(String team) {
        return teams.containsKey(team);
    }

    /** Whether the user is a member of the team. */
    public boolean isMember(String team, String user) {
        Team found = teams.get(team);
        return found != null && found.members().contains(user);
    }
}

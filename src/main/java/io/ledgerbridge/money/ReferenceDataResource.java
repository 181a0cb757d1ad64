package io.ledgerbridge.money;

import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.legalentity.LegalEntities;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Loading and reading the money reference data: effective-dated FX rates, versioned rate cards, regions and legal
 * entities.
 */
@Path("/admin")
@Tag(name = "reference-data")
@Produces(MediaType.APPLICATION_JSON)
public class ReferenceDataResource {

    /** One FX rate: units of quote per unit of base from a date on. */
    public record FxRateRequest(@NotNull @Pattern(regexp = "[A-Z]{3}") String base,
            @NotNull @Pattern(regexp = "[A-Z]{3}") String quote,
            @NotNull @DecimalMin(value = "0", inclusive = false) BigDecimal rate,
            @NotNull LocalDate effectiveFrom, String source) {
    }

    /** One rate card's rates for a role from a date on. */
    public record RateCardRequest(@NotBlank String card, @NotBlank String role,
            @NotNull @Pattern(regexp = "[A-Z]{3}") String currency,
            @NotNull @DecimalMin("0") BigDecimal billRate, @NotNull @DecimalMin("0") BigDecimal costRate,
            @NotNull LocalDate effectiveFrom) {
    }

    private final FxRates fxRates;
    private final RateCards rateCards;
    private final Regions regions;
    private final Audit audit;

    private final LegalEntities entities;

    ReferenceDataResource(FxRates fxRates, RateCards rateCards, Regions regions, LegalEntities entities, Audit audit) {
        this.entities = entities;
        this.fxRates = fxRates;
        this.rateCards = rateCards;
        this.regions = regions;
        this.audit = audit;
    }

    @PUT
    @Path("/fx-rates")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Create or correct effective-dated FX rates (one per pair and effective date)")
    public Map<String, Integer> putFxRates(@NotEmpty List<@Valid FxRateRequest> rates) {
        int changed = fxRates.upsert(rates.stream()
                .map(r -> new FxRates.Entry(r.base(), r.quote(), r.rate(), r.effectiveFrom(), r.source())).toList());
        audit.record("fx-rates", "fx-rate", rates.size() + " received, " + changed + " changed", "CHANGED");
        return Map.of("received", rates.size(), "changed", changed);
    }

    @GET
    @Path("/fx-rates/{base}/{quote}")
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "The rate in force on a date (on=YYYY-MM-DD)")
    public Map<String, Object> fxRateOn(@PathParam("base") String base, @PathParam("quote") String quote,
            @QueryParam("on") String on) {
        LocalDate date = date(on);
        try {
            return Map.of("base", base, "quote", quote, "on", date, "rate", fxRates.rateOn(base, quote, date));
        } catch (io.ledgerbridge.flow.FlowFailure missing) {
            throw new ProblemException(Problem.of(404, "no-fx-rate", "No FX rate", missing.getMessage()));
        }
    }

    @PUT
    @Path("/rate-cards")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Add rate card rates; a new effective date of a card and role is its next version")
    public Map<String, Integer> putRateCards(@NotEmpty List<@Valid RateCardRequest> rates) {
        int added;
        try {
            added = rateCards.add(rates.stream().map(r -> new RateCards.Entry(r.card(), r.role(), r.currency(),
                    r.billRate(), r.costRate(), r.effectiveFrom())).toList());
        } catch (ArithmeticException | IllegalArgumentException invalid) {
            throw new ProblemException(Problem.of(422, "validation", "Invalid rate card", invalid.getMessage()));
        }
        audit.record("rate-cards", "rate-card", rates.size() + " received, " + added + " added", "CHANGED");
        return Map.of("received", rates.size(), "added", added);
    }

    @GET
    @Path("/rate-cards/{card}/{role}")
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "The rates of a role in force on a date (on=YYYY-MM-DD), with the card's version")
    public RateCards.Rates rateOn(@PathParam("card") String card, @PathParam("role") String role,
            @QueryParam("on") String on) {
        try {
            return rateCards.ratesOn(card, role, date(on));
        } catch (io.ledgerbridge.flow.FlowFailure missing) {
            throw new ProblemException(Problem.of(404, "no-rate", "No rate", missing.getMessage()));
        }
    }

    @GET
    @Path("/regions")
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "The regions of mappings/regions.json, each with the legal entity that books its projects")
    public Map<String, Regions.Region> regions() {
        return regions.all();
    }

    @GET
    @Path("/entities")
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "The legal entities of mappings/entities.json: currency, tax types, accounts and the ERP "
            + "ledger (system, account, environment) each books in")
    public Map<String, LegalEntities.LegalEntity> entities() {
        return entities.all();
    }

    private static LocalDate date(String on) {
        try {
            return on == null ? LocalDate.now() : LocalDate.parse(on);
        } catch (DateTimeParseException bad) {
            throw new ProblemException(Problem.of(400, "bad-parameter", "Bad date", "on must be YYYY-MM-DD"));
        }
    }
}

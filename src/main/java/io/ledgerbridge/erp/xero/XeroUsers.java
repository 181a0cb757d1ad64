package io.ledgerbridge.erp.xero;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowJson;
import io.ledgerbridge.flow.ReferenceMissing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * The ERP capability find-user on Xero (route xero-find-user): Xero Projects lists an organisation's users page by
 * page and cannot filter them by email, so the route reads pages until one holds the person's email.
 */
@ApplicationScoped
@Named("xeroUsers")
public class XeroUsers {

    /** The page of the users being read. */
    static final String PAGE = "ledgerbridgeXeroUsersPage";
    /** The email looked for. */
    static final String EMAIL = "ledgerbridgeXeroUserEmail";
    /** The person's business key, for the REFERENCE failure when no user has the email. */
    static final String PERSON = "ledgerbridgeXeroUserPerson";
    /** 500 users a page: a bound on the loop, far above any firm's consultants. */
    private static final int MAX_PAGES = 100;

    private final FlowJson json;

    XeroUsers(FlowJson json) {
        this.json = json;
    }

    /** Takes the canonical person of the body: page 1 next, no user found yet. */
    public void begin(Exchange exchange) {
        JsonNode person = json.read(exchange.getMessage().getBody(String.class));
        exchange.setProperty(EMAIL, person.path("email").asText());
        exchange.setProperty(PERSON, "PERSON:hr:" + person.path("ref").path("id").asText());
        exchange.setProperty(PAGE, 1);
        exchange.getMessage().removeHeader(FlowHeaders.TARGET_ID);
    }

    /**
     * Takes one page of Xero's project users: the one with the person's email is the answer (its user id in
     * {@link FlowHeaders#TARGET_ID}); not on this page, the next page is asked for. A person on no page is a
     * REFERENCE: they must be invited to the Xero organisation.
     */
    public void match(Exchange exchange) {
        String email = exchange.getProperty(EMAIL, String.class);
        JsonNode users = json.read(exchange.getMessage().getBody(String.class));
        for (JsonNode user : users.path("items")) {
            if (email.equalsIgnoreCase(user.path("email").asText())) {
                exchange.getMessage().setHeader(FlowHeaders.TARGET_ID, user.path("userId").asText());
                return;
            }
        }
        int page = exchange.getProperty(PAGE, Integer.class);
        JsonNode pagination = users.path("pagination");
        if (pagination.path("page").asInt(1) != page) {
            throw new IllegalStateException("Xero answered page " + pagination.path("page").asInt(1)
                    + " of its users when asked for page " + page);
        }
        if (page < pagination.path("pageCount").asInt(1)) {
            if (page >= MAX_PAGES) {
                throw new IllegalStateException("Xero has more than " + MAX_PAGES + " pages of users");
            }
            exchange.setProperty(PAGE, page + 1);
            return;
        }
        throw new ReferenceMissing(List.of(exchange.getProperty(PERSON, String.class)), "consultant " + email
                + " is not a user of the Xero organisation: invite them in Xero, then replay");
    }
}

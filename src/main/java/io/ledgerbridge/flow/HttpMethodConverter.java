package io.ledgerbridge.flow;

import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Singleton;
import java.util.Locale;
import org.apache.camel.Converter;
import org.apache.camel.TypeConverters;
import org.apache.camel.component.http.HttpMethods;

/**
 * The request method a connector route writes as text ({@code setHeader: CamelHttpMethod, constant: POST}) as
 * camel-http's enum, which the http component reads the header as on every call. Without a converter of its own, Camel
 * falls back to its enum converter, which first searches the whole converter registry for a String-to-HttpMethods
 * converter and finds none, on every call (2.2 % of the approved-time flow's CPU in FlowBench's profile); with this
 * one the search is a map hit. Camel Main adds the registry's {@link TypeConverters} beans at start-up.
 */
@Singleton
@Unremovable
@RegisterForReflection(methods = true)
public class HttpMethodConverter implements TypeConverters {

    /** The method named, in any case ({@code post} is POST, as Camel's enum converter reads it). */
    @Converter
    public static HttpMethods toHttpMethod(String method) {
        return HttpMethods.valueOf(method.strip().toUpperCase(Locale.ROOT));
    }
}

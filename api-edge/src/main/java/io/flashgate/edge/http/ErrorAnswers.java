package io.flashgate.edge.http;

import io.flashgate.client.ResultUnknownException;

import io.flashgate.client.OverloadedException;
import io.flashgate.client.PendingCommands;

import io.flashgate.client.EngineGateway;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeoutException;

/**
 * Everything that is not a success, mapped to the contract's answer ({@code docs/HTTP-API.md}, "Protective
 * answers" and the business outcomes of each route): engine refusals, engine failures, Javalin's own errors.
 */
final class ErrorAnswers
{
    private static final Logger LOG = LoggerFactory.getLogger(ErrorAnswers.class);

    private ErrorAnswers()
    {
    }

    /** The HTTP answer for an engine refusal. */
    static ApiError rejected(final Reason reason)
    {
        if (reason == null)
        {
            return new ApiError(502, "ENGINE_ERROR", "unknown refusal");
        }
        return switch (reason)
        {
            case UNKNOWN_SALE -> new ApiError(404, reason.name(), "no such sale");
            case UNKNOWN_ORDER -> new ApiError(404, reason.name(), "no such order");
            case SOLD_OUT, LIMIT_EXCEEDED, NOT_STARTED, SALE_ENDED, SALE_PAUSED, ORDER_NOT_CANCELLABLE,
                ORDER_NOT_CONFIRMABLE, SALE_EXISTS, INSUFFICIENT_STOCK ->
                new ApiError(409, reason.name(), reason.name().toLowerCase().replace('_', ' '));
            case INVALID_QUANTITY, INVALID_ARGUMENT, MALFORMED -> ApiError.badRequest(reason.name().toLowerCase());
            case UNKNOWN_TYPE, UNSUPPORTED_VERSION, TOO_LONG -> new ApiError(502, "ENGINE_ERROR", reason.name());
            case ENGINE_FAULT -> ApiError.overloaded("engine stopped after a journal fault; retry shortly");
            case NOT_PRIMARY -> ApiError.overloaded("the engine is switching over to its standby; retry shortly");
            case STANDBY_ABSENT -> ApiError.overloaded("the engine waits for its standby; retry shortly");
            case UNKNOWN_ENTRY -> new ApiError(404, reason.name(), "no entry of yours in this sale");
            case NOT_A_DRAW -> new ApiError(409, reason.name(), "this sale is first come: buy instead of entering");
            case DRAW_SALE -> new ApiError(409, reason.name(), "this sale is a draw: enter instead of buying");
            case DRAW_NOT_DUE -> new ApiError(409, reason.name(), "the draw comes after the entry window closes");
            case NOT_DRAWN -> new ApiError(409, reason.name(), "the sale has not been drawn yet");
            case ENTRY_NOT_WITHDRAWABLE -> new ApiError(409, reason.name(), "the entry window has closed");
            case SEED_MISMATCH -> new ApiError(422, reason.name(), "the seed's SHA-256 is not the sale's seedHash");
            case TOO_MANY_ACCOUNTS_FROM_ADDRESS -> new ApiError(429, reason.name(),
                "this sale takes no more accounts from your address");
        };
    }

    /** A reply that is not the one the route expects: the engine's refusal, or a 502 for anything else. */
    static ApiError unexpectedOrRejected(final Reply reply)
    {
        if (reply instanceof Reply.Rejected r)
        {
            return rejected(r.reason());
        }
        LOG.warn("unexpected engine reply {}", reply);
        return new ApiError(502, "ENGINE_ERROR", "unexpected engine reply");
    }

    /** A command that got no reply: refused by the transport (503) or not answered in time (504). */
    static ApiError engineFailure(final Throwable failure)
    {
        final Throwable cause = PendingCommands.causeOf(failure);
        if (cause instanceof OverloadedException)
        {
            return ApiError.overloaded("engine back-pressure");
        }
        if (cause instanceof ResultUnknownException || cause instanceof TimeoutException)
        {
            return new ApiError(504, "RESULT_UNKNOWN",
                "no answer from the engine in time: retry with the same Idempotency-Key");
        }
        LOG.warn("engine call failed", cause);
        return ApiError.overloaded("engine unavailable");
    }

    /** Javalin's own answers (no route, wrong method, body over its limit) in the contract's form. */
    static ApiError fromJavalin(final HttpResponseException ex)
    {
        return switch (ex.getStatus())
        {
            case 404 -> ApiError.notFound();
            case 405 -> new ApiError(405, "METHOD_NOT_ALLOWED", "method not allowed");
            case 413 -> new ApiError(413, "PAYLOAD_TOO_LARGE", "body too large");
            case 400 -> ApiError.badRequest("bad request");
            default -> new ApiError(ex.getStatus(), "HTTP_" + ex.getStatus(), String.valueOf(ex.getMessage()));
        };
    }
}

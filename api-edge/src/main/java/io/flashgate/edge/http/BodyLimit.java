package io.flashgate.edge.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.io.IOException;

/**
 * The first protection on every route: a body over the limit is 413 before anything else looks at the request
 * (even before auth). The body is read here, bounded, and kept as a request attribute for the handler.
 */
final class BodyLimit
{
    private static final String BODY = "flashgate.body";

    private final int maxBodyBytes;

    BodyLimit(final int maxBodyBytes)
    {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** A before-handler: checks Content-Length, then reads at most {@code maxBodyBytes + 1} bytes. */
    void check(final Context ctx)
    {
        final HandlerType method = ctx.method();
        if (method != HandlerType.POST && method != HandlerType.PUT && method != HandlerType.PATCH)
        {
            return;
        }
        final String length = ctx.header("Content-Length");
        if (length != null)
        {
            try
            {
                if (Long.parseLong(length.trim()) > maxBodyBytes)
                {
                    throw tooLarge();
                }
            }
            catch (final NumberFormatException ex)
            {
                throw ApiError.badRequest("bad Content-Length");
            }
        }
        ctx.attribute(BODY, read(ctx));
    }

    /** The body {@link #check} read, or null when the method has none. */
    static byte[] body(final Context ctx)
    {
        return ctx.attribute(BODY);
    }

    /**
     * A chunked body (no Content-Length) is never buffered whole, as Javalin's {@code bodyAsBytes} would. A body the
     * client cuts short or garbles (bad chunk) is a 400, not a 500.
     */
    private byte[] read(final Context ctx)
    {
        final byte[] bytes;
        try
        {
            bytes = ctx.req().getInputStream().readNBytes(maxBodyBytes + 1);
        }
        catch (final IOException | RuntimeException ex)
        {
            // Jetty: EofException (cut short), BadMessageException (bad chunk); the request is over either way
            throw ApiError.badRequest("could not read the request body");
        }
        if (bytes.length > maxBodyBytes)
        {
            throw tooLarge();
        }
        return bytes;
    }

    private ApiError tooLarge()
    {
        return new ApiError(413, "PAYLOAD_TOO_LARGE", "body over " + maxBodyBytes + " bytes");
    }
}

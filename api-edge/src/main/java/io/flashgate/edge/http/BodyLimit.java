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
        long declared = -1;
        if (length != null)
        {
            try
            {
                declared = Long.parseLong(length.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw ApiError.badRequest("bad Content-Length");
            }
            if (declared > maxBodyBytes)
            {
                throw tooLarge();
            }
        }
        ctx.attribute(BODY, declared >= 0 ? readDeclared(ctx, (int)declared) : read(ctx));
    }

    /** The body {@link #check} read, or null when the method has none. */
    static byte[] body(final Context ctx)
    {
        return ctx.attribute(BODY);
    }

    /** A body of known length (the usual case): one array of exactly that size, nothing copied twice. */
    private static byte[] readDeclared(final Context ctx, final int length)
    {
        if (length < 0)
        {
            throw ApiError.badRequest("bad Content-Length");
        }
        final byte[] bytes = new byte[length];
        final int read;
        try
        {
            final var in = ctx.req().getInputStream();
            read = in.readNBytes(bytes, 0, length);
            // see the end of the body (at once: the length is reached), so Jetty finds it consumed, as before
            in.read();
        }
        catch (final IOException | RuntimeException ex)
        {
            throw ApiError.badRequest("could not read the request body");
        }
        if (read < length)
        {
            throw ApiError.badRequest("could not read the request body");
        }
        return bytes;
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

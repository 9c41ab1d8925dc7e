package io.flashgate.edge.http;

/**
 * An answer the edge gives instead of a success: HTTP status, stable upper-case code of
 * {@code docs/HTTP-API.md} ("Protective answers"),
 * a human message and, for 429/503, a Retry-After in seconds (0 = no header). Thrown by handlers and
 * turned into {@code {"error":CODE,"message":...}} in one place; no stack trace is filled in.
 */
public final class ApiError extends RuntimeException
{
    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    public ApiError(final int status, final String code, final String message)
    {
        this(status, code, message, 0);
    }

    public ApiError(final int status, final String code, final String message, final long retryAfterSeconds)
    {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status()
    {
        return status;
    }

    public String code()
    {
        return code;
    }

    public long retryAfterSeconds()
    {
        return retryAfterSeconds;
    }

    static ApiError badRequest(final String message)
    {
        return new ApiError(400, "BAD_REQUEST", message);
    }

    static ApiError notFound()
    {
        return new ApiError(404, "NOT_FOUND", "no such route");
    }

    static ApiError rateLimited(final String message, final long retryAfterSeconds)
    {
        return new ApiError(429, "RATE_LIMITED", message, retryAfterSeconds);
    }

    static ApiError overloaded(final String message)
    {
        return new ApiError(503, "OVERLOADED", message, 1);
    }
}

package io.flashgate.client;

import io.flashgate.protocol.EngineRole;

/**
 * One engine of the set an edge may send to, as the edge last heard it ({@code GET /admin/engine}, "engines").
 *
 * @param endpoint  how the engine is reached ({@code ingressHost:port/egressHost:port} over UDP).
 * @param role      what it last said it is; null until it has answered.
 * @param epoch     the epoch it last reported; -1 until it has answered.
 * @param reachable it answers now (its channels are up and its last answer is recent).
 * @param followed  the edge sends its commands to this one.
 */
public record FollowedEngine(String endpoint, EngineRole role, long epoch, boolean reachable, boolean followed)
{
}

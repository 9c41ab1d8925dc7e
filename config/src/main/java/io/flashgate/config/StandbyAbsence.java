package io.flashgate.config;

/**
 * What a pair's primary does while no standby is in sync (docs/ARCHITECTURE.md, "Hot standby and failover"):
 * STOP releasing (safety over availability: the default), or go on as SOLO, with one copy of each order.
 */
public enum StandbyAbsence
{
    STOP,
    SOLO
}

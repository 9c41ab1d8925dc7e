package io.flashgate.ops.drill;

import java.util.Arrays;
import java.util.List;

/** One fault the drill injects in each round (ops/RUNBOOK.md, "Failover drill"). */
public enum Scenario
{
    /** SIGKILL of the primary: the standby (in the synchronous set) promotes; the killed engine rejoins. */
    PRIMARY("primary", false),
    /** SIGKILL of the standby: the primary drops it from the synchronous set and sells alone; it rejoins. */
    STANDBY("standby", true),
    /** The link between the engines cut, both up: exactly one sells; after the heal the other rejoins. */
    LINK("link", true),
    /** The primary cut off from ZooKeeper, not from its standby: nothing changes. */
    PRIMARY_ZK("primary-zk", true),
    /** The standby cut off from ZooKeeper, not from its primary: nothing changes. */
    STANDBY_ZK("standby-zk", true),
    /** Both engines cut off from every ZooKeeper server: the pair sells on, in sync, and no role changes. */
    ZK_ALL("zk-all", true),
    /** One ZooKeeper server of three killed: nothing changes. */
    ZK_NODE("zk-node", true);

    final String flag;
    /** Needs ZooKeeper to be handled with no operator. */
    final boolean needsZooKeeper;

    /** A fault after which the same engine must still be primary, its standby in sync. */
    boolean changesNoRole()
    {
        return this == PRIMARY_ZK || this == STANDBY_ZK || this == ZK_ALL || this == ZK_NODE;
    }

    Scenario(final String flag, final boolean needsZooKeeper)
    {
        this.flag = flag;
        this.needsZooKeeper = needsZooKeeper;
    }

    /** {@code all}, or names separated by commas. */
    public static List<Scenario> parse(final String list)
    {
        if ("all".equals(list))
        {
            return List.of(values());
        }
        return Arrays.stream(list.split(",")).map(String::trim).map(name -> Arrays.stream(values())
            .filter(s -> s.flag.equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown scenario '" + name + "' (primary, standby, link, primary-zk, standby-zk, zk-all, zk-node, all)"))).toList();
    }

    @Override
    public String toString()
    {
        return flag;
    }
}

package io.flashgate.edge.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.flashgate.protocol.SaleMode;

import java.util.HexFormat;

/**
 * What {@code POST /admin/sales} says of a sale's mode (docs/HTTP-API.md, "Draw mode"): {@code "mode"} FIRST_COME
 * (the default) or DRAW, a DRAW sale's {@code "seedHash"} (the SHA-256 of the operator's secret seed, 64 hex
 * characters), and {@code "accountsPerAddress"} (the cap of accounts one client address may use in the sale; 0: none;
 * absent: the setting {@code protections.accountsPerAddress}).
 */
record SaleModeFields(SaleMode mode, int accountsPerAddress, byte[] seedHash)
{
    static SaleModeFields of(final JsonNode body, final int defaultAccountsPerAddress)
    {
        final JsonNode modeNode = body.get("mode");
        final SaleMode mode;
        if (modeNode == null)
        {
            mode = SaleMode.FIRST_COME;
        }
        else if (modeNode.isTextual() && (modeNode.textValue().equals("FIRST_COME") ||
            modeNode.textValue().equals("DRAW")))
        {
            mode = SaleMode.valueOf(modeNode.textValue());
        }
        else
        {
            throw ApiError.badRequest("mode must be FIRST_COME or DRAW");
        }
        final int cap = body.get("accountsPerAddress") == null ? defaultAccountsPerAddress :
            RequestInput.intField(body, "accountsPerAddress", 0);
        final JsonNode hashNode = body.get("seedHash");
        if (mode == SaleMode.FIRST_COME)
        {
            if (hashNode != null)
            {
                throw ApiError.badRequest("seedHash belongs to a DRAW sale");
            }
            return new SaleModeFields(mode, cap, null);
        }
        if (hashNode == null || !hashNode.isTextual() || !hashNode.textValue().matches("[0-9a-fA-F]{64}"))
        {
            throw ApiError.badRequest("a DRAW sale needs seedHash: the hex SHA-256 of the secret seed (64 characters)");
        }
        return new SaleModeFields(mode, cap, HexFormat.of().parseHex(hashNode.textValue().toLowerCase()));
    }

    /** A first-come sale without a cap: created with the original command, as before draw mode. */
    boolean isPlain()
    {
        return mode == SaleMode.FIRST_COME && accountsPerAddress == 0;
    }
}

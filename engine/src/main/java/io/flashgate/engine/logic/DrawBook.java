package io.flashgate.engine.logic;

import io.flashgate.protocol.EntryState;
import org.agrona.collections.Int2IntHashMap;

import java.util.Arrays;

/**
 * A draw sale's entries and, once drawn, its draw order (docs/DRAW.md). Entries are rows in journal order, as
 * parallel primitive arrays; a withdrawn row stays (marked) so that rows keep their order and a snapshot is
 * canonical; re-entering after a withdrawal appends a new row. Owned by the business-logic thread.
 */
final class DrawBook
{
    static final byte ACTIVE = 1;
    static final byte WITHDRAWN = 2;
    private static final int NONE = -1;

    final byte[] seedHash = new byte[DrawAlgorithm.HASH_LENGTH];

    int rows;
    int[] user;
    int[] quantity;
    byte[] state;
    /** Index in the address store of the address the entry came from, or -1 (unknown, or no cap). */
    int[] address;
    int active;
    /** user index → the user's active row. */
    final Int2IntHashMap rowOfUser;

    boolean drawn;
    byte[] seed;
    final byte[] entriesHash = new byte[DrawAlgorithm.HASH_LENGTH];
    /** Rows in draw order; the first {@link #served} have their order. */
    int[] drawOrder;
    int drawnCount;
    /** row → place in the draw order; row → order index once served, else -1. */
    int[] positionOf;
    int[] orderOf;
    int served;
    int winnersAtDraw;
    /** The operator ended the sale after the draw: nobody else is served; the waiting are NOT_SELECTED. */
    boolean waitingClosed;

    DrawBook(final int expectedEntries)
    {
        final int capacity = Math.max(16, expectedEntries);
        user = new int[capacity];
        quantity = new int[capacity];
        state = new byte[capacity];
        address = new int[capacity];
        rowOfUser = new Int2IntHashMap(capacity * 2, 0.65f, NONE);
    }

    int add(final int userIndex, final int units, final int addressIndex)
    {
        if (rows == user.length)
        {
            final int capacity = rows * 2;
            user = Arrays.copyOf(user, capacity);
            quantity = Arrays.copyOf(quantity, capacity);
            state = Arrays.copyOf(state, capacity);
            address = Arrays.copyOf(address, capacity);
        }
        final int row = rows++;
        user[row] = userIndex;
        quantity[row] = units;
        state[row] = ACTIVE;
        address[row] = addressIndex;
        rowOfUser.put(userIndex, row);
        active++;
        return row;
    }

    /** @return the user's active row, or -1. */
    int rowOf(final int userIndex)
    {
        return rowOfUser.get(userIndex);
    }

    void withdraw(final int row)
    {
        state[row] = WITHDRAWN;
        rowOfUser.remove(user[row]);
        active--;
    }

    /** Fixes the draw order: the active rows in journal order, then shuffled by {@code algorithm}. */
    void draw(final DrawAlgorithm algorithm)
    {
        drawOrder = new int[active];
        int n = 0;
        for (int row = 0; row < rows; row++)
        {
            if (state[row] == ACTIVE)
            {
                drawOrder[n++] = row;
            }
        }
        algorithm.shuffle(drawOrder, n);
        placeDrawOrder(n);
    }

    /** Derives the per-row tables from the draw order (at the draw and on loading a snapshot). */
    void placeDrawOrder(final int n)
    {
        drawnCount = n;
        positionOf = new int[rows];
        orderOf = new int[rows];
        Arrays.fill(positionOf, NONE);
        Arrays.fill(orderOf, NONE);
        for (int i = 0; i < n; i++)
        {
            positionOf[drawOrder[i]] = i;
        }
        drawn = true;
    }

    boolean hasWaiting()
    {
        return drawn && !waitingClosed && served < drawnCount;
    }

    int waiting()
    {
        return drawn && !waitingClosed ? drawnCount - served : 0;
    }

    EntryState stateOf(final int row)
    {
        if (!drawn)
        {
            return EntryState.ENTERED;
        }
        if (orderOf[row] >= 0)
        {
            return EntryState.WON;
        }
        return waitingClosed ? EntryState.NOT_SELECTED : EntryState.WAITING;
    }

    /** 1 for the next to be served, while WAITING; else 0. */
    int waitingPosition(final int row)
    {
        return stateOf(row) == EntryState.WAITING ? positionOf[row] - served + 1 : 0;
    }

    long footprintBytes()
    {
        return (long)user.length * (4 + 4 + 1 + 4) + rowOfUser.capacity() * 8L +
            (drawOrder == null ? 0 : (long)drawOrder.length * 4 + (long)positionOf.length * 8);
    }
}

package io.flashgate.engine.logic;

import io.flashgate.protocol.OrderStatus;

import java.util.Arrays;

/**
 * Every order ever taken, as parallel primitive arrays indexed by order index (order id - 1), so
 * a million orders cost a few dozen bytes each and no objects. Order ids are therefore dense and
 * deterministic: the n-th accepted purchase is order n.
 */
final class OrderTable
{
    private static final OrderStatus[] STATUSES = OrderStatus.values();

    int size;
    int[] saleIndex;
    int[] userIndex;
    int[] quantity;
    byte[] status;
    long[] expiresAt;
    int[] nextInQueue;

    OrderTable(final int expected)
    {
        final int capacity = Math.max(16, expected);
        saleIndex = new int[capacity];
        userIndex = new int[capacity];
        quantity = new int[capacity];
        status = new byte[capacity];
        expiresAt = new long[capacity];
        nextInQueue = new int[capacity];
    }

    int add(final int sale, final int user, final int qty, final long expires)
    {
        if (size == saleIndex.length)
        {
            final int capacity = size * 2;
            saleIndex = Arrays.copyOf(saleIndex, capacity);
            userIndex = Arrays.copyOf(userIndex, capacity);
            quantity = Arrays.copyOf(quantity, capacity);
            status = Arrays.copyOf(status, capacity);
            expiresAt = Arrays.copyOf(expiresAt, capacity);
            nextInQueue = Arrays.copyOf(nextInQueue, capacity);
        }
        final int index = size++;
        saleIndex[index] = sale;
        userIndex[index] = user;
        quantity[index] = qty;
        status[index] = OrderStatus.RESERVED.code();
        expiresAt[index] = expires;
        nextInQueue[index] = -1;
        return index;
    }

    OrderStatus status(final int index)
    {
        return STATUSES[status[index]];
    }

    long footprintBytes()
    {
        return (long)saleIndex.length * (4 + 4 + 4 + 1 + 8 + 4);
    }
}

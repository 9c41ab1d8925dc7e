package io.flashgate.engine.logic;

import io.flashgate.protocol.CommandDecoder;
import io.flashgate.protocol.EngineRole;
import io.flashgate.protocol.EventEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.OrderStatus;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.SaleMode;
import io.flashgate.protocol.SaleStatus;
import io.flashgate.protocol.StandbyState;
import io.flashgate.protocol.WireFormat;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * The whole of Flashgate's sale rules: a pure, deterministic function of (state, command) that
 * emits events. No threads, files, clocks or randomness: time arrives inside each command (stamped
 * once by the receiver and journaled), so replaying a journal reproduces the same state and the
 * same event bytes. Exactly one thread may call it (the Disruptor's business-logic handler, or a
 * replay); nothing else reads or writes its state, so it has no locks.
 *
 * <p>Every command gets exactly one reply event (correlated with it) and may cause broadcasts:
 * ORDER_EXPIRED for reservations past their TTL and SALE_STATUS_CHANGED when a sale's status or
 * remaining stock changed. Garbage-free in steady state: events are encoded into one scratch buffer.
 *
 * <p>One file on purpose, although long: the rules share the state arrays and the scratch encoder on the
 * hot path, and reading the rules in one place is what makes them reviewable; the storage is already
 * split out ({@link OrderTable}, {@link IdStore}, {@link Sale}, {@link StateSnapshot}), and so are the draw's rules
 * ({@link DrawCommands}), state ({@link DrawBook}) and algorithm ({@link DrawAlgorithm}).
 */
public final class BusinessLogic
{
    static final long MILLIS_PER_SECOND = 1000L;
    /** A year: keeps now + TTL far from overflow. */
    private static final int MAX_TTL_SECONDS = 366 * 24 * 3600;

    final CommandDecoder command = new CommandDecoder();
    final EventEncoder event = new EventEncoder();
    final UnsafeBuffer scratch = new UnsafeBuffer(new byte[EventEncoder.MAX_EVENT_LENGTH]);

    final IdStore saleIds;
    /** Each user with the bits of the idempotency keys of its orders ({@link #internOrderKey}). */
    final IdStore userIds;
    /** (user index, Idempotency-Key) → order index; entry n is order n, so it also stores the keys. */
    final IdStore idempotencyKeys;
    Sale[] sales = new Sale[8];
    final OrderTable orders;
    /** (sale index << 32 | user index) → units the user holds live (reserved + confirmed) in the sale. */
    final Long2LongHashMap liveUnits;
    /** Latest command time seen; time never goes backwards even if stamps from two producers cross. */
    long now = Long.MIN_VALUE;
    final EpochHistory epochs = new EpochHistory();
    /** (sale index, 16-byte client address) → accounts counted against the sale's cap; only for sales with one. */
    final IdStore addresses = new IdStore(true, true, 16);
    /**
     * (sale index << 32 | user index) → 1 + the address index a user's first order in a first-come sale with a cap
     * came from: that user is counted once against that address, whatever they buy next.
     */
    final Long2LongHashMap accountedBuyers = new Long2LongHashMap(16, 0.65f, 0L);
    private final DrawCommands draws = new DrawCommands(this);

    EventSink sink;

    public BusinessLogic()
    {
        this(1024);
    }

    /** @param expectedBuyers sizes tables up front so that a sale's first rush does not rehash. */
    public BusinessLogic(final int expectedBuyers)
    {
        saleIds = new IdStore(false, 16);
        userIds = IdStore.withKeyBits(expectedBuyers);
        idempotencyKeys = new IdStore(true, expectedBuyers);
        orders = new OrderTable(expectedBuyers);
        liveUnits = new Long2LongHashMap(expectedBuyers * 2, 0.65f, 0L);
    }

    /**
     * Applies one encoded command and emits its events to {@code sink}. Never throws for bad input:
     * a malformed, unknown or out-of-range command is answered with REJECTED and changes nothing.
     */
    public void onCommand(final DirectBuffer buffer, final int offset, final int length, final EventSink sink)
    {
        this.sink = sink;
        final Reason invalid = command.wrapAndValidate(buffer, offset, length);
        if (invalid != null)
        {
            rejectUnreadable(buffer, offset, length, invalid);
            return;
        }
        if (command.timestamp() > now)
        {
            now = command.timestamp();
        }
        switch (command.type())
        {
            case MessageTypes.PURCHASE -> purchase();
            case MessageTypes.CANCEL_ORDER -> cancel();
            case MessageTypes.CONFIRM_ORDER -> confirm();
            case MessageTypes.QUERY_ORDER -> queryOrder();
            case MessageTypes.QUERY_SALE -> querySale();
            case MessageTypes.QUERY_SALE_AT -> querySaleAt();
            case MessageTypes.CREATE_SALE, MessageTypes.CREATE_SALE_V2 -> createSale();
            case MessageTypes.ENTER_DRAW -> draws.enter();
            case MessageTypes.WITHDRAW_ENTRY -> draws.withdraw();
            case MessageTypes.QUERY_ENTRY -> draws.queryEntry();
            case MessageTypes.RUN_DRAW -> draws.runDraw();
            case MessageTypes.QUERY_DRAW -> draws.queryDraw();
            case MessageTypes.QUERY_DRAW_WINNERS -> draws.queryWinners();
            case MessageTypes.ADJUST_STOCK -> adjustStock();
            case MessageTypes.PAUSE_SALE, MessageTypes.RESUME_SALE, MessageTypes.END_SALE -> changeSaleFlags();
            case MessageTypes.EXPIRE_RESERVATIONS -> expireAll();
            case MessageTypes.SNAPSHOT -> ack(command.sequence());
            case MessageTypes.QUERY_ENGINE -> engineStatus();
            case MessageTypes.NEW_EPOCH -> newEpoch();
            default -> reject(Reason.UNKNOWN_TYPE);
        }
    }

    private void purchase()
    {
        final int sale = findSale();
        if (sale < 0)
        {
            reject(Reason.UNKNOWN_SALE);
            return;
        }
        final DirectBuffer buffer = command.buffer();
        int user = userIds.find(0, buffer, command.userIdOffset(), command.userIdLength());
        // The bits of the user's keys sit beside the id just read: a key whose bit is not set is new, and needs no
        // lookup in the table of every order's key (a cache miss); most of a crowd has no order, or not this key.
        final long keyBits = user >= 0 ? userIds.lastFoundKeyBits() : 0L;
        final int keyHash = keyBits != 0 ?
            idempotencyKeys.hash(user, buffer, command.idempotencyKeyOffset(), command.idempotencyKeyLength()) : 0;
        if ((keyBits & IdStore.keyBit(keyHash)) != 0)
        {
            final int original = idempotencyKeys.find(
                keyHash, user, buffer, command.idempotencyKeyOffset(), command.idempotencyKeyLength());
            if (original >= 0)
            {
                expireDue(sales[orders.saleIndex[original]]);
                emitOrder(MessageTypes.ORDER_REPLAYED, original);
                announceIfChanged(sales[orders.saleIndex[original]]);
                return;
            }
        }
        final Sale s = sales[sale];
        expireDue(s);
        final long quantity = command.quantity();
        Reason refusal = refusePurchase(s, user, quantity);
        final int address = refusal == null ? addressToCount(s, user) : -1;
        if (address == Integer.MIN_VALUE)
        {
            refusal = Reason.TOO_MANY_ACCOUNTS_FROM_ADDRESS;
        }
        if (refusal != null)
        {
            reject(refusal);
            announceIfChanged(s);
            return;
        }
        final int units = (int)quantity;
        // intern is a find for a known user; either way it leaves the user's entry as the last found
        user = userIds.intern(0, buffer, command.userIdOffset(), command.userIdLength());
        final int order = orders.add(sale, user, units, now + s.ttlSeconds * MILLIS_PER_SECOND);
        // hashed above for a user with keys (the same user index); else hashed once here
        final int newKeyHash = keyBits != 0 ? keyHash :
            idempotencyKeys.hash(user, buffer, command.idempotencyKeyOffset(), command.idempotencyKeyLength());
        final int keyIndex = internOrderKey(
            user, newKeyHash, buffer, command.idempotencyKeyOffset(), command.idempotencyKeyLength());
        assert keyIndex == order;
        s.reserved += units;
        addLiveUnits(s, user, units);
        enqueueForExpiry(s, order);
        if (address >= 0)
        {
            addresses.addToCounter(address, 1);
            accountedBuyers.put(liveKey(s.index, user), address + 1L);
        }
        emitOrder(MessageTypes.ORDER_ACCEPTED, order);
        announceIfChanged(s);
    }

    /**
     * Interns a new order's Idempotency-Key (entry n of {@link #idempotencyKeys} is order n) and sets its bit in its
     * user's entry ({@link IdStore#keyBit} of {@code keyHash}, its {@link IdStore#hash} there), so that a retry with
     * the key looks it up. Every order's key passes here: a purchase's, a draw's allocation, a snapshot's load.
     *
     * @return the key's index, which is the order's.
     */
    int internOrderKey(final int user, final int keyHash, final DirectBuffer key, final int offset, final int length)
    {
        final int index = idempotencyKeys.intern(keyHash, user, key, offset, length);
        userIds.addKeyBit(user, IdStore.keyBit(keyHash));
        return index;
    }

    /** As {@link #internOrderKey(int, int, DirectBuffer, int, int)}, for a key not hashed yet. */
    int internOrderKey(final int user, final DirectBuffer key, final int offset, final int length)
    {
        return internOrderKey(user, idempotencyKeys.hash(user, key, offset, length), key, offset, length);
    }

    private Reason refusePurchase(final Sale s, final int user, final long quantity)
    {
        if (s.mode == SaleMode.DRAW)
        {
            return Reason.DRAW_SALE;
        }
        if (quantity < 1 || quantity > s.limitPerUser)
        {
            return Reason.INVALID_QUANTITY;
        }
        final Reason closed = refuseClosed(s.status(now));
        if (closed != null)
        {
            return closed;
        }
        if (user >= 0 && liveUnits.get(liveKey(s.index, user)) + quantity > s.limitPerUser)
        {
            return Reason.LIMIT_EXCEEDED;
        }
        return quantity > s.remaining() ? Reason.SOLD_OUT : null;
    }

    /**
     * The cap of accounts per client address, for a purchase about to be accepted: the index of the address to count
     * the buyer against (interned), -1 when nothing is counted (no cap, no address, a buyer counted already), or
     * {@link Integer#MIN_VALUE} when the address has its cap of buyers.
     */
    private int addressToCount(final Sale s, final int user)
    {
        final int at = command.addressOffset();
        if (s.accountsPerAddress == 0 || at < 0 ||
            (command.buffer().getLong(at) == 0 && command.buffer().getLong(at + 8) == 0) ||
            (user >= 0 && accountedBuyers.get(liveKey(s.index, user)) != 0))
        {
            return -1;
        }
        final int found = addresses.find(s.index, command.buffer(), at, io.flashgate.protocol.ClientAddress.LENGTH);
        if (found >= 0 && addresses.lastFoundCounter() >= s.accountsPerAddress)
        {
            return Integer.MIN_VALUE;
        }
        return addresses.intern(s.index, command.buffer(), at, io.flashgate.protocol.ClientAddress.LENGTH);
    }

    static Reason refuseClosed(final SaleStatus status)
    {
        return switch (status)
        {
            case ENDED -> Reason.SALE_ENDED;
            case SCHEDULED -> Reason.NOT_STARTED;
            case PAUSED -> Reason.SALE_PAUSED;
            case SOLD_OUT -> Reason.SOLD_OUT;
            case OPEN -> null;
        };
    }

    private void cancel()
    {
        final int order = findOwnedOrder(false);
        if (order < 0)
        {
            reject(Reason.UNKNOWN_ORDER);
            return;
        }
        final Sale s = sales[orders.saleIndex[order]];
        expireDue(s);
        if (orders.status(order) != OrderStatus.RESERVED)
        {
            reject(Reason.ORDER_NOT_CANCELLABLE);
            announceIfChanged(s);
            return;
        }
        release(s, order, OrderStatus.CANCELLED);
        emitOrder(MessageTypes.ORDER_CANCELLED, order);
        draws.serveWaitingList(s);
        announceIfChanged(s);
    }

    private void confirm()
    {
        final int order = findOwnedOrder(true);
        if (order < 0)
        {
            reject(Reason.UNKNOWN_ORDER);
            return;
        }
        final Sale s = sales[orders.saleIndex[order]];
        expireDue(s);
        if (orders.status(order) != OrderStatus.RESERVED)
        {
            reject(Reason.ORDER_NOT_CONFIRMABLE);
            announceIfChanged(s);
            return;
        }
        final int units = orders.quantity[order];
        orders.status[order] = OrderStatus.CONFIRMED.code();
        s.reserved -= units;
        s.confirmed += units;
        emitOrder(MessageTypes.ORDER_CONFIRMED, order);
        announceIfChanged(s);
    }

    private void queryOrder()
    {
        final int order = findOwnedOrder(command.userIdLength() == 0);
        if (order < 0)
        {
            reject(Reason.UNKNOWN_ORDER);
            return;
        }
        final Sale s = sales[orders.saleIndex[order]];
        expireDue(s);
        emitOrder(MessageTypes.ORDER_INFO, order);
        announceIfChanged(s);
    }

    private void querySale()
    {
        final int sale = findSale();
        if (sale < 0)
        {
            reject(Reason.UNKNOWN_SALE);
            return;
        }
        final Sale s = sales[sale];
        expireDue(s);
        emitSale(MessageTypes.SALE_INFO, s);
        announceIfChanged(s);
    }

    /**
     * The sale at an index in creation order, answered as {@link #querySale} answers: an operator lists every sale
     * by asking index 0, 1, ... until UNKNOWN_SALE. Sales are never removed, so the indexes are dense and stable.
     */
    private void querySaleAt()
    {
        final int index = command.saleIndex();
        if (index < 0 || index >= saleIds.size())
        {
            reject(Reason.UNKNOWN_SALE);
            return;
        }
        final Sale s = sales[index];
        expireDue(s);
        emitSale(MessageTypes.SALE_INFO, s);
        announceIfChanged(s);
    }

    private void createSale()
    {
        if (findSale() >= 0)
        {
            reject(Reason.SALE_EXISTS);
            return;
        }
        final int stock = command.stock();
        final int limit = command.limitPerUser();
        final long startsAt = command.startsAt();
        final long endsAt = command.endsAt();
        final int ttl = command.reservationTtlSeconds();
        final SaleMode mode = SaleMode.fromCode(command.modeCode());
        final int accountsPerAddress = command.accountsPerAddress();
        if (stock < 0 || limit < 1 || endsAt <= startsAt || ttl < 1 || ttl > MAX_TTL_SECONDS || mode == null ||
            accountsPerAddress < 0)
        {
            reject(Reason.INVALID_ARGUMENT);
            return;
        }
        final int index = saleIds.intern(0, command.buffer(), command.saleIdOffset(), command.saleIdLength());
        if (index == sales.length)
        {
            sales = Arrays.copyOf(sales, sales.length * 2);
        }
        final Sale s = new Sale(index);
        s.stock = stock;
        s.limitPerUser = limit;
        s.startsAt = startsAt;
        s.endsAt = endsAt;
        s.ttlSeconds = ttl;
        s.mode = mode;
        s.accountsPerAddress = accountsPerAddress;
        if (mode == SaleMode.DRAW)
        {
            s.draw = new DrawBook(16);
            command.buffer().getBytes(command.seedHashOffset(), s.draw.seedHash);
        }
        sales[index] = s;
        emitSale(MessageTypes.SALE_INFO, s);
        announceExactly(s);
    }

    private void adjustStock()
    {
        final int sale = findSale();
        if (sale < 0)
        {
            reject(Reason.UNKNOWN_SALE);
            return;
        }
        final Sale s = sales[sale];
        expireDue(s);
        final long delta = command.delta();
        // Compare in long space so that a huge delta cannot wrap around.
        final long newStock = delta > Integer.MAX_VALUE || delta < -Integer.MAX_VALUE ?
            (delta > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : s.stock + delta;
        if (newStock > Integer.MAX_VALUE)
        {
            reject(Reason.INVALID_ARGUMENT);
        }
        else if (newStock < (long)s.reserved + s.confirmed)
        {
            reject(Reason.INSUFFICIENT_STOCK);
        }
        else
        {
            s.stock = (int)newStock;
            emitSale(MessageTypes.SALE_INFO, s);
            draws.serveWaitingList(s);
        }
        announceExactly(s);
    }

    private void changeSaleFlags()
    {
        final int sale = findSale();
        if (sale < 0)
        {
            reject(Reason.UNKNOWN_SALE);
            return;
        }
        final Sale s = sales[sale];
        expireDue(s);
        switch (command.type())
        {
            case MessageTypes.PAUSE_SALE -> s.paused = true;
            case MessageTypes.RESUME_SALE -> s.paused = false;
            default ->
            {
                if (s.drawn())
                {
                    s.draw.waitingClosed = true;
                }
                s.ended = true;
            }
        }
        emitSale(MessageTypes.SALE_INFO, s);
        announceExactly(s);
    }

    private void expireAll()
    {
        long expired = 0;
        final int saleCount = saleIds.size();
        for (int i = 0; i < saleCount; i++)
        {
            expired += expireDue(sales[i]);
        }
        ack(expired);
        for (int i = 0; i < saleCount; i++)
        {
            announceExactly(sales[i]);
        }
    }

    /**
     * Expires the sale's reservations whose TTL has passed, then (a draw sale) serves its waiting list with the units
     * that came back. Queue order is expiry order: TTL is per sale and time only grows.
     */
    int expireDue(final Sale s)
    {
        int expired = 0;
        int head = s.queueHead;
        while (head >= 0 && orders.expiresAt[head] <= now)
        {
            if (orders.status[head] == OrderStatus.RESERVED.code())
            {
                release(s, head, OrderStatus.EXPIRED);
                emitOrder(MessageTypes.ORDER_EXPIRED, head);
                expired++;
            }
            head = orders.nextInQueue[head];
        }
        s.queueHead = head;
        if (head < 0)
        {
            s.queueTail = -1;
        }
        if (expired > 0)
        {
            draws.serveWaitingList(s);
        }
        return expired;
    }

    void enqueueForExpiry(final Sale s, final int order)
    {
        if (s.queueTail < 0)
        {
            s.queueHead = order;
        }
        else
        {
            orders.nextInQueue[s.queueTail] = order;
        }
        s.queueTail = order;
    }

    /** A reserved order gives its units back to the sale (cancel or expiry). */
    private void release(final Sale s, final int order, final OrderStatus newStatus)
    {
        final int units = orders.quantity[order];
        orders.status[order] = newStatus.code();
        s.reserved -= units;
        addLiveUnits(s, orders.userIndex[order], -units);
    }

    void addLiveUnits(final Sale s, final int user, final int units)
    {
        final long key = liveKey(s.index, user);
        final long before = liveUnits.get(key);
        final long after = before + units;
        // 0 is the map's "missing" value: a user with nothing live has no entry.
        if (after == 0)
        {
            liveUnits.remove(key);
        }
        else
        {
            liveUnits.put(key, after);
        }
        if (before == 0 && after > 0)
        {
            s.buyers++;
        }
        else if (before > 0 && after == 0)
        {
            s.buyers--;
        }
    }

    static long liveKey(final int sale, final int user)
    {
        return ((long)sale << 32) | (user & 0xFFFF_FFFFL);
    }

    int findSale()
    {
        return saleIds.find(0, command.buffer(), command.saleIdOffset(), command.saleIdLength());
    }

    /** @return the order's index if it exists and belongs to the command's user (or any user if asAdmin). */
    private int findOwnedOrder(final boolean asAdmin)
    {
        final long orderId = command.orderId();
        if (orderId < 1 || orderId > orders.size)
        {
            return -1;
        }
        final int order = (int)(orderId - 1);
        if (asAdmin)
        {
            return order;
        }
        final int user = userIds.find(0, command.buffer(), command.userIdOffset(), command.userIdLength());
        return user >= 0 && user == orders.userIndex[order] ? order : -1;
    }

    /**
     * Broadcasts the sale's figures when its status or draw state changed, or since the last broadcast its remaining
     * stock moved by 1 % of its stock or its entries by 1 %. An exact count would be a second event per purchase to
     * every edge, a quarter of the engine's egress in a sale; the clock's tick and the operator's commands announce any
     * change ({@link #announceExactly}), so an edge's figure lags by less than 1 % of the stock and at most one tick.
     * A sale of fewer than 100 units is announced at every change.
     */
    void announceIfChanged(final Sale s)
    {
        announce(s, false);
    }

    /** Broadcasts the sale's figures if anything in them changed since the last broadcast. */
    private void announceExactly(final Sale s)
    {
        announce(s, true);
    }

    private void announce(final Sale s, final boolean exactly)
    {
        final SaleStatus status = s.status(now);
        final int remaining = s.remaining();
        final int entries = s.entries();
        final long remainingMoved = Math.abs((long)remaining - s.announcedRemaining);
        final long entriesMoved = Math.abs(entries - s.announcedEntries);
        if (status != s.announcedStatus || s.drawn() != s.announcedDrawn ||
            s.waitingClosed() != s.announcedWaitingClosed ||
            (exactly ? remainingMoved + entriesMoved > 0 :
                remainingMoved * 100L >= Math.max(1, s.stock) ||
                entriesMoved * 100L >= Math.max(100, s.announcedEntries)))
        {
            s.announcedStatus = status;
            s.announcedRemaining = remaining;
            s.announcedEntries = entries;
            s.announcedDrawn = s.drawn();
            s.announcedWaitingClosed = s.waitingClosed();
            emitSale(MessageTypes.SALE_STATUS_CHANGED, s);
        }
    }

    void emitOrder(final short type, final int order)
    {
        final int sale = orders.saleIndex[order];
        final int user = orders.userIndex[order];
        header(type);
        final int length = event.order(
            order + 1L, orders.quantity[order], orders.status(order), orders.expiresAt[order],
            saleIds.bytes(), saleIds.idOffset(sale), saleIds.idLength(sale),
            userIds.bytes(), userIds.idOffset(user), userIds.idLength(user));
        sink.onEvent(scratch, 0, length);
    }

    void emitSale(final short type, final Sale s)
    {
        header(type);
        final int length = event.sale(
            s.stock, s.reserved, s.confirmed, s.limitPerUser, s.buyers, s.status(now), s.ttlSeconds,
            s.startsAt, s.endsAt, s.mode, s.drawn(), s.waitingClosed(), s.entries(), s.accountsPerAddress,
            saleIds.bytes(), saleIds.idOffset(s.index), saleIds.idLength(s.index));
        sink.onEvent(scratch, 0, length);
    }

    void reject(final Reason reason)
    {
        header(MessageTypes.REJECTED);
        sink.onEvent(scratch, 0, event.rejected(reason, command.type()));
    }

    private void ack(final long value)
    {
        header(MessageTypes.ACK);
        sink.onEvent(scratch, 0, event.ack(value));
    }

    /**
     * The engine's figures as business logic knows them: every command up to this query applied, and the epoch.
     * Whoever releases the reply writes in the live sequences and the pair's figures (role, standby).
     */
    private void engineStatus()
    {
        header(MessageTypes.ENGINE_STATUS);
        final long sequence = command.sequence();
        sink.onEvent(scratch, 0,
            event.engineStatus(EngineRole.SOLO, epochs.current(), sequence, sequence, StandbyState.ABSENT, 0, 0));
    }

    /**
     * A promotion, journaled (docs/ARCHITECTURE.md, "Hot standby and failover"): only an engine writes it (source 0)
     * and only ever upwards; anything else is refused and changes nothing. ACK carries the epoch now in force.
     */
    private void newEpoch()
    {
        if (command.sourceId() != 0 || command.epoch() <= epochs.current())
        {
            reject(Reason.INVALID_ARGUMENT);
            return;
        }
        epochs.begin(command.epoch(), command.sequence());
        ack(command.epoch());
    }

    /** The epochs this history went through, for the pair (which epoch a journal is in, where a tail diverges). */
    public EpochHistory epochs()
    {
        return epochs;
    }

    void header(final short type)
    {
        event.wrap(scratch, 0).header(type, command.sourceId(), command.correlationId(), command.sequence(), now);
    }

    /** A command too broken to trust: answer with what header fields can be read, change nothing. */
    private void rejectUnreadable(final DirectBuffer buffer, final int offset, final int length, final Reason reason)
    {
        final boolean hasHeader = length >= WireFormat.HEADER_LENGTH;
        final short type = length >= 2 ? buffer.getShort(offset) : 0;
        event.wrap(scratch, 0).header(
            MessageTypes.REJECTED,
            hasHeader ? command.sourceId() : 0,
            hasHeader ? command.correlationId() : 0,
            hasHeader ? command.sequence() : 0,
            now);
        sink.onEvent(scratch, 0, event.rejected(reason, type));
    }

    // ---- figures for operators and tests (not on the hot path; may allocate) ----

    /** @return the sale's figures, or null if unknown. */
    public SaleFigures saleFigures(final String saleId)
    {
        final int index = findSale(saleId);
        if (index < 0)
        {
            return null;
        }
        final Sale s = sales[index];
        return new SaleFigures(saleId, s.stock, s.reserved, s.confirmed, s.remaining(), s.buyers,
            s.limitPerUser, s.status(now), s.mode, s.entries(), s.drawn());
    }

    public int orderCount()
    {
        return orders.size;
    }

    /** @param orderId 1-based order id; @return the order or null. */
    public OrderView order(final long orderId)
    {
        if (orderId < 1 || orderId > orders.size)
        {
            return null;
        }
        final int i = (int)(orderId - 1);
        return new OrderView(orderId, saleIds.idString(orders.saleIndex[i]), userIds.idString(orders.userIndex[i]),
            idempotencyKeys.idString(i), orders.quantity[i], orders.status(i), orders.expiresAt[i]);
    }

    public java.util.List<String> saleIds()
    {
        final java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < saleIds.size(); i++)
        {
            ids.add(saleIds.idString(i));
        }
        return ids;
    }

    /** Units a user holds live (reserved + confirmed) in a sale. */
    public long liveUnits(final String saleId, final String userId)
    {
        final int sale = findSale(saleId);
        final UnsafeBuffer buffer = new UnsafeBuffer(userId.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        final int user = userIds.find(0, buffer, 0, buffer.capacity());
        return sale < 0 || user < 0 ? 0 : liveUnits.get(liveKey(sale, user));
    }

    /** Bytes held by the engine's tables, for the memory-per-buyer figure. */
    public long footprintBytes()
    {
        long draws = 0;
        for (int i = 0; i < saleIds.size(); i++)
        {
            draws += sales[i].draw == null ? 0 : sales[i].draw.footprintBytes();
        }
        return userIds.footprintBytes() + idempotencyKeys.footprintBytes() + saleIds.footprintBytes() +
            orders.footprintBytes() + liveUnits.capacity() * 16L + addresses.footprintBytes() + draws;
    }

    private int findSale(final String saleId)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(saleId.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return saleIds.find(0, buffer, 0, buffer.capacity());
    }

    public record SaleFigures(
        String saleId, int stock, int reserved, int confirmed, int remaining, int buyers, int limitPerUser,
        SaleStatus status, SaleMode mode, int entries, boolean drawn)
    {
    }

    /**
     * The draw order of a drawn sale as user ids (null if not drawn), for tests and the audit: the first
     * {@code winners} of them were served.
     */
    public java.util.List<String> drawOrder(final String saleId)
    {
        final int index = findSale(saleId);
        if (index < 0 || !sales[index].drawn())
        {
            return null;
        }
        final DrawBook book = sales[index].draw;
        final java.util.List<String> users = new java.util.ArrayList<>();
        for (int i = 0; i < book.drawnCount; i++)
        {
            users.add(userIds.idString(book.user[book.drawOrder[i]]));
        }
        return users;
    }

    /** The active entries of a draw sale in journal order, as (user id, quantity); null for an unknown sale. */
    public java.util.List<java.util.Map.Entry<String, Integer>> entries(final String saleId)
    {
        final int index = findSale(saleId);
        if (index < 0 || sales[index].draw == null)
        {
            return null;
        }
        final DrawBook book = sales[index].draw;
        final java.util.List<java.util.Map.Entry<String, Integer>> list = new java.util.ArrayList<>();
        for (int row = 0; row < book.rows; row++)
        {
            if (book.state[row] == DrawBook.ACTIVE)
            {
                list.add(java.util.Map.entry(userIds.idString(book.user[row]), book.quantity[row]));
            }
        }
        return list;
    }

    public record OrderView(
        long orderId, String saleId, String userId, String idempotencyKey, int quantity, OrderStatus status,
        long expiresAt)
    {
    }
}

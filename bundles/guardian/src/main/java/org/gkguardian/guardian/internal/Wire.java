package org.gkguardian.guardian.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gkguardian.api.ConfigSnapshot;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.Role;

/**
 * What guardians say to each other over the channel (which encrypts it). A small explicit format rather than Java
 * serialization, so that a peer can never make us instantiate classes.
 */
final class Wire {

    private static final byte VERSION = 2;
    /** No real cluster gets near it (an election a millisecond for 285 million years); +1 never overflows. */
    static final long MAX_EPOCH = 1L << 53;
    private static final byte STATE = 1;
    private static final byte SWITCHOVER = 2;
    private static final byte VOTE_REQUEST = 3;
    private static final byte VOTE_REPLY = 4;
    private static final byte LEASE_RENEW = 5;
    private static final byte LEASE_ACK = 6;
    private static final byte RESIGN = 7;
    private static final byte MIRROR_PUSH = 8;
    private static final byte SWITCHOVER_CANCEL = 9;
    private static final byte LIFE_CHECK = 10;
    private static final byte LIFE_CHECK_ACK = 11;
    private static final byte OBITUARY = 12;
    /** The most files and bytes one snapshot may carry on the wire, whatever a node's own limit. */
    static final int MAX_MIRROR_FILES = 10_000;
    static final int MAX_MIRROR_BYTES = 4 * 1024 * 1024;

    sealed interface Message
            permits StateMessage, SwitchoverRequest, SwitchoverCancel, AgreementMessage, MirrorPush, Obituary {
    }

    /** Messages of the agreement on who is master of which epoch: sent alone, never batched behind a state. */
    sealed interface AgreementMessage extends Message
            permits VoteRequest, VoteReply, LeaseRenew, LeaseAck, Resign, LifeCheck, LifeCheckAck {
    }

    /**
     * A member's state and its gatekeeper's, sent on change and every heartbeat.
     *
     * @param incarnation random number of the sender's run, so that its clock readings are compared only with
     *                    readings of the same run
     * @param sentNanos   the sender's monotonic clock when it sent this
     * @param echoes      for each member the sender hears: that member's incarnation and the sentNanos of the
     *                    newest state received from it. Echoes prove a round trip: a message buffered or
     *                    retransmitted from before a partition or a pause echoes old readings and proves nothing.
     * @param master      the master the sender follows (itself if master), or empty
     * @param switchover  the target of the operator's switchover the sender holds pending, or empty: a target shows
     *                    this way that it accepted the switchover, and the others elect it only while it does
     */
    record StateMessage(MemberState state, GatekeeperState gatekeeper, long incarnation, long sentNanos,
            Map<InetAddress, Echo> echoes, String master, String switchover) implements Message {
        StateMessage {
            echoes = Map.copyOf(echoes);
        }
    }

    record Echo(long incarnation, long sentNanos) {
    }

    /**
     * An operator asked for {@code target} to become master. It counts only in the epoch it was asked in: a copy
     * replayed after the next election is ignored.
     */
    record SwitchoverRequest(String target, String requestedBy, long epoch) implements Message {
    }

    /**
     * The operator who asked for a switchover was told it was refused (the wait ran out): every member drops that
     * request, so it cannot happen later behind their back. A master that has already let go cannot take it back.
     */
    record SwitchoverCancel(String target, String requestedBy, long epoch) implements Message {
    }

    /**
     * A candidate asks to be master of {@code epoch}.
     *
     * @param sentNanos   the candidate's monotonic clock when it asked; a grant echoes it, and the candidate's lease
     *                    counts from it, never from when the grant arrived
     * @param incarnation random number of the candidate's run, so that a grant is matched with the run that asked
     */
    record VoteRequest(long epoch, String candidate, InetAddress candidateAddress, long incarnation, long sentNanos)
            implements AgreementMessage {
    }

    /**
     * A voter's answer to a {@link VoteRequest}.
     *
     * @param ballot the highest epoch the voter has voted in, so that a refused candidate asks higher next time
     * @param reason why it refused, for the candidate's log; empty when granted
     */
    record VoteReply(long epoch, InetAddress candidateAddress, long incarnation, long echoNanos, InetAddress voter,
            boolean granted, long ballot, String reason) implements AgreementMessage {
    }

    /** The master of {@code epoch} asks its voters to renew their promise; they answer with a {@link LeaseAck}. */
    record LeaseRenew(long epoch, InetAddress master, long incarnation, long sentNanos) implements AgreementMessage {
    }

    /** A voter promises again, echoing the renewal it answers. */
    record LeaseAck(long epoch, InetAddress master, long incarnation, long echoNanos, InetAddress voter)
            implements AgreementMessage {
    }

    /**
     * The master of {@code epoch} has let the VIP go: its voters are free of their promise at once.
     *
     * @param handOver it held the VIP as master and released it, verified: the next master may bind without the
     *                 duplicate-address check. False from a candidate whose bind failed: it never held the VIP, and
     *                 says nothing about who else may (a stopped old master's kernel still answers for it).
     */
    record Resign(long epoch, InetAddress master, boolean handOver) implements AgreementMessage {
    }

    /**
     * The life line (plain TCP, port + 2) to {@code to} ended. That is how a dead process shows, but a host on the
     * LAN without the secret can end a TCP connection too: before anything is believed, the member is asked over
     * the authenticated channel. {@code nonce} is random, so an old answer proves nothing.
     */
    record LifeCheck(long nonce, InetAddress from, InetAddress to) implements AgreementMessage {
    }

    /** The member is alive: the answer to a {@link LifeCheck}, echoing its nonce. */
    record LifeCheckAck(long nonce, InetAddress from, InetAddress to) implements AgreementMessage {
    }

    /**
     * A member's launcher saw that member's JVM of run {@code incarnation} end and released its VIPs (see
     * {@link LauncherObituary}): one datagram, from the member's host, sealed by the JVM before it died. The run is
     * the member: it names no address, and its numbers travel as hexadecimal text, so that none of its bytes is a
     * line feed (bash writes it).
     *
     * @param heldVip  the launcher removed every VIP the run had recorded, each of them still bound: the run held the
     *                 VIP to its end (the JVM seals both answers in advance; the launcher sends the true one)
     * @param variant  changed by the sealer until the sealed datagram holds no line feed either
     */
    record Obituary(long incarnation, boolean heldVip, long variant) implements Message {
    }

    /**
     * The master's mirrored configuration files, for every backup (or one that just joined).
     *
     * @param epoch  the epoch the sender is master of
     * @param master the sender's internal address
     */
    record MirrorPush(long epoch, InetAddress master, ConfigSnapshot snapshot) implements Message {
    }

    private Wire() {
    }

    /** Whether the bytes claim to be a {@link MirrorPush}, so that one that does not decode is refused as such. */
    static boolean isMirrorPush(byte[] buf, int offset, int length) {
        return length >= 2 && buf[offset] == VERSION && buf[offset + 1] == MIRROR_PUSH;
    }

    static byte[] encode(Message message) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            if (message instanceof StateMessage s) {
                MemberState m = s.state();
                out.writeByte(STATE);
                out.writeUTF(m.name());
                byte[] addr = m.internalAddress().getAddress();
                out.writeByte(addr.length);
                out.write(addr);
                out.writeInt(m.priority());
                out.writeBoolean(m.healthy());
                out.writeUTF(m.role().name());
                out.writeLong(m.epoch());
                out.writeBoolean(m.maintenance());
                out.writeUTF(m.configDigest());
                out.writeBoolean(m.preemptRequested());
                out.writeUTF(s.gatekeeper().name());
                out.writeLong(s.incarnation());
                out.writeLong(s.sentNanos());
                out.writeUTF(s.master());
                out.writeShort(s.echoes().size());
                for (Map.Entry<InetAddress, Echo> e : s.echoes().entrySet()) {
                    byte[] a = e.getKey().getAddress();
                    out.writeByte(a.length);
                    out.write(a);
                    out.writeLong(e.getValue().incarnation());
                    out.writeLong(e.getValue().sentNanos());
                }
                out.writeUTF(s.switchover());
            } else if (message instanceof SwitchoverRequest r) {
                out.writeByte(SWITCHOVER);
                out.writeUTF(r.target());
                out.writeUTF(r.requestedBy());
                out.writeLong(r.epoch());
            } else if (message instanceof SwitchoverCancel c) {
                out.writeByte(SWITCHOVER_CANCEL);
                out.writeUTF(c.target());
                out.writeUTF(c.requestedBy());
                out.writeLong(c.epoch());
            } else if (message instanceof VoteRequest r) {
                out.writeByte(VOTE_REQUEST);
                out.writeLong(r.epoch());
                out.writeUTF(r.candidate());
                writeAddress(out, r.candidateAddress());
                out.writeLong(r.incarnation());
                out.writeLong(r.sentNanos());
            } else if (message instanceof VoteReply r) {
                out.writeByte(VOTE_REPLY);
                out.writeLong(r.epoch());
                writeAddress(out, r.candidateAddress());
                out.writeLong(r.incarnation());
                out.writeLong(r.echoNanos());
                writeAddress(out, r.voter());
                out.writeBoolean(r.granted());
                out.writeLong(r.ballot());
                out.writeUTF(r.reason());
            } else if (message instanceof LeaseRenew r) {
                out.writeByte(LEASE_RENEW);
                out.writeLong(r.epoch());
                writeAddress(out, r.master());
                out.writeLong(r.incarnation());
                out.writeLong(r.sentNanos());
            } else if (message instanceof LeaseAck a) {
                out.writeByte(LEASE_ACK);
                out.writeLong(a.epoch());
                writeAddress(out, a.master());
                out.writeLong(a.incarnation());
                out.writeLong(a.echoNanos());
                writeAddress(out, a.voter());
            } else if (message instanceof Resign r) {
                out.writeByte(RESIGN);
                out.writeLong(r.epoch());
                writeAddress(out, r.master());
                out.writeBoolean(r.handOver());
            } else if (message instanceof LifeCheck c) {
                out.writeByte(LIFE_CHECK);
                out.writeLong(c.nonce());
                writeAddress(out, c.from());
                writeAddress(out, c.to());
            } else if (message instanceof LifeCheckAck a) {
                out.writeByte(LIFE_CHECK_ACK);
                out.writeLong(a.nonce());
                writeAddress(out, a.from());
                writeAddress(out, a.to());
            } else if (message instanceof Obituary o) {
                out.writeByte(OBITUARY);
                out.writeUTF(hex16(o.incarnation()));
                out.writeBoolean(o.heldVip());
                out.writeUTF(hex16(o.variant()));
            } else if (message instanceof MirrorPush p) {
                out.writeByte(MIRROR_PUSH);
                out.writeLong(p.epoch());
                writeAddress(out, p.master());
                out.writeUTF(p.snapshot().digest());
                out.writeInt(p.snapshot().files().size());
                for (ConfigSnapshot.File f : p.snapshot().files()) {
                    out.writeUTF(f.path());
                    out.writeUTF(f.sha256());
                    out.writeInt(f.content().length);
                    out.write(f.content());
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sixteen hexadecimal digits: a fixed length, so that the length written before it is never a line feed. */
    private static String hex16(long value) {
        return String.format("%016x", value);
    }

    private static long readHex16(DataInputStream in) throws IOException {
        String digits = in.readUTF();
        if (digits.length() != 16) {
            throw new IllegalArgumentException("not 16 hexadecimal digits: " + digits.length() + " characters");
        }
        try {
            return Long.parseUnsignedLong(digits, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not hexadecimal: " + digits);
        }
    }

    private static void writeAddress(DataOutputStream out, InetAddress address) throws IOException {
        byte[] a = address.getAddress();
        out.writeByte(a.length);
        out.write(a);
    }

    /** An epoch as it travels: never negative, and far from overflowing when a candidate adds one. */
    private static long readEpoch(DataInputStream in) throws IOException {
        long epoch = in.readLong();
        if (epoch < 0 || epoch > MAX_EPOCH) {
            throw new IllegalArgumentException("epoch " + epoch + " out of range");
        }
        return epoch;
    }

    private static InetAddress readAddress(DataInputStream in) throws IOException {
        int len = in.readUnsignedByte();
        if (len != 4 && len != 16) {
            throw new IllegalArgumentException("bad address length " + len);
        }
        byte[] addr = in.readNBytes(len);
        if (addr.length != len) {
            throw new IllegalArgumentException("truncated address");
        }
        return InetAddress.getByAddress(addr);
    }

    private static MirrorPush readMirrorPush(DataInputStream in) throws IOException {
        long epoch = readEpoch(in);
        InetAddress master = readAddress(in);
        String digest = in.readUTF();
        int count = in.readInt();
        if (count < 0 || count > MAX_MIRROR_FILES) {
            throw new IllegalArgumentException("mirror snapshot with " + count + " files");
        }
        List<ConfigSnapshot.File> files = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < count; i++) {
            String path = in.readUTF();
            String sha = in.readUTF();
            int length = in.readInt();
            total += length;
            if (length < 0 || total > MAX_MIRROR_BYTES) {
                throw new IllegalArgumentException("mirror snapshot larger than " + MAX_MIRROR_BYTES + " bytes");
            }
            byte[] content = in.readNBytes(length);
            if (content.length != length) {
                throw new IllegalArgumentException("truncated mirror snapshot: " + path + " has " + content.length
                        + " of " + length + " bytes");
            }
            files.add(new ConfigSnapshot.File(path, content, sha));
        }
        if (in.read() != -1) {
            throw new IllegalArgumentException("mirror snapshot followed by stray bytes");
        }
        return new MirrorPush(epoch, master, new ConfigSnapshot(digest, files));
    }

    /** Decodes a message, or throws IllegalArgumentException for anything malformed. */
    static Message decode(byte[] buf, int offset, int length) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(buf, offset, length));
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown wire version " + version);
            }
            byte type = in.readByte();
            switch (type) {
                case STATE -> {
                    String name = in.readUTF();
                    InetAddress address = readAddress(in);
                    int priority = in.readInt();
                    boolean healthy = in.readBoolean();
                    Role role = Role.valueOf(in.readUTF());
                    long epoch = readEpoch(in);
                    boolean maintenance = in.readBoolean();
                    String digest = in.readUTF();
                    boolean preempt = in.readBoolean();
                    GatekeeperState gk = GatekeeperState.valueOf(in.readUTF());
                    long incarnation = in.readLong();
                    long sent = in.readLong();
                    String master = in.readUTF();
                    int n = in.readUnsignedShort();
                    if (n > 1024) {
                        throw new IllegalArgumentException("too many echoes: " + n);
                    }
                    Map<InetAddress, Echo> echoes = new HashMap<>();
                    for (int i = 0; i < n; i++) {
                        echoes.put(readAddress(in), new Echo(in.readLong(), in.readLong()));
                    }
                    String switchover = in.readUTF();
                    return new StateMessage(new MemberState(name, address, priority, healthy, role, epoch,
                            maintenance, digest, preempt), gk, incarnation, sent, echoes, master, switchover);
                }
                case SWITCHOVER -> {
                    return new SwitchoverRequest(in.readUTF(), in.readUTF(), readEpoch(in));
                }
                case LIFE_CHECK -> {
                    return new LifeCheck(in.readLong(), readAddress(in), readAddress(in));
                }
                case LIFE_CHECK_ACK -> {
                    return new LifeCheckAck(in.readLong(), readAddress(in), readAddress(in));
                }
                case SWITCHOVER_CANCEL -> {
                    return new SwitchoverCancel(in.readUTF(), in.readUTF(), readEpoch(in));
                }
                case VOTE_REQUEST -> {
                    return new VoteRequest(readEpoch(in), in.readUTF(), readAddress(in), in.readLong(), in.readLong());
                }
                case VOTE_REPLY -> {
                    return new VoteReply(readEpoch(in), readAddress(in), in.readLong(), in.readLong(), readAddress(in),
                            in.readBoolean(), readEpoch(in), in.readUTF());
                }
                case LEASE_RENEW -> {
                    return new LeaseRenew(readEpoch(in), readAddress(in), in.readLong(), in.readLong());
                }
                case LEASE_ACK -> {
                    return new LeaseAck(readEpoch(in), readAddress(in), in.readLong(), in.readLong(), readAddress(in));
                }
                case RESIGN -> {
                    return new Resign(readEpoch(in), readAddress(in), in.readBoolean());
                }
                case MIRROR_PUSH -> {
                    return readMirrorPush(in);
                }
                case OBITUARY -> {
                    return new Obituary(readHex16(in), in.readBoolean(), readHex16(in));
                }
                default -> throw new IllegalArgumentException("unknown message type " + type);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated message", e);
        }
    }
}

package io.ledgerbridge.sync;

import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.TargetUnavailable;

/**
 * The posting of this version is claimed by a live instance (or by an exchange still running in this one): the
 * message is retried with backoff until that posting finished (then it is skipped as posted) or its holder is gone
 * (then it is taken over). Never skipped on the holder's word alone: the holder may yet fail.
 */
public class ClaimHeld extends TargetUnavailable {

    public ClaimHeld(String message) {
        super(ErrorClass.TARGET_UNAVAILABLE, message);
    }
}

package io.pid1.injector.webhook;

/** A request body that is not an AdmissionReview: answered 400 with this one-line reason. */
final class ReviewException extends Exception {

    ReviewException(String reason) {
        super(reason, null, false, false);
    }
}

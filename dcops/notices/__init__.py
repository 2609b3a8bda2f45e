"""Written notices to customers: the outbox, the messages in the customer's language, and the SMTP sender."""

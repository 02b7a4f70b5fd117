-- What the customer actually paid, which a Stripe promotion code can make less than the price
-- (zero for a 100%-off code, when Checkout takes no payment at all). Refunds, the guarantee,
-- emails and the booking page use it; `price_minor` stays the price the booking was made at.
-- And the invoice Checkout made for the payment, when invoices are on (STRIPE_INVOICES).

alter table booking
    add column amount_paid_minor integer
        constraint booking_amount_paid_range check (amount_paid_minor between 0 and price_minor),
    add column invoice_url text;

-- Before promotion codes, every paid booking paid its price.
update booking set amount_paid_minor = price_minor where paid_at is not null;

// Starts the fakes of the SaaS the app talks to (Stripe, cal.com API) before the browser tests,
// on the fixed ports the app was configured with (fakes/settings.ts), and stops them after.
import { startFakeCal } from "./fakes/calcom";
import {
  APP_BASE_URL,
  CALCOM_API_KEY,
  CALCOM_PORT,
  STRIPE_PORT,
  STRIPE_SECRET_KEY,
  STRIPE_WEBHOOK_SECRET,
} from "./fakes/settings";
import { startFakeStripe } from "./fakes/stripe";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const stripe = await startFakeStripe({
    port: STRIPE_PORT,
    secretKey: STRIPE_SECRET_KEY,
    webhookSecret: STRIPE_WEBHOOK_SECRET,
    webhookUrl: `${APP_BASE_URL}/webhooks/stripe`,
  });
  const cal = await startFakeCal({ port: CALCOM_PORT, apiKey: CALCOM_API_KEY }).catch(async (err: unknown) => {
    await stripe.close();
    throw err;
  });
  return async () => {
    await Promise.all([stripe.close(), cal.close()]);
  };
}

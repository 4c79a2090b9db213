import type { AnyDeliveryChannel } from "./delivery.js";
import type { ServiceContext } from "./deps.js";
import { emailChannel } from "./email-channel.js";
import { webhookChannel } from "./webhooks.js";

/** The built-in channels, in the order a delivery round serves them. */
export function deliveryChannels(ctx: ServiceContext): AnyDeliveryChannel[] {
  return [emailChannel(ctx), webhookChannel(ctx)];
}

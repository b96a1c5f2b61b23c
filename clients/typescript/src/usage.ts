// Typed use of the BioBridge API through openapi-fetch and the types
// generated from the schema (npm run generate). It is compiled, not run:
// a schema change that breaks an integrator's code breaks this file.
import createClient from "openapi-fetch";

import type { components, paths } from "../generated/schema";

type RnpvInput = components["schemas"]["RnpvInputRequest"];

export function biobridge(baseUrl: string, token: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Token ${token}` } });
}

type Client = ReturnType<typeof biobridge>;

export async function projectCodes(client: Client): Promise<string[]> {
  const { data, error } = await client.GET("/api/v1/projects/", {
    params: { query: { page_size: 50 } },
  });
  if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
  return data.results.map((project) => project.code);
}

// A retry with the same Idempotency-Key and body replays the first answer
// instead of recording the payment twice.
export async function payMilestone(
  client: Client,
  milestoneId: number,
  idempotencyKey: string,
): Promise<components["schemas"]["Payment"]> {
  const milestone = await client.GET("/api/v1/milestones/{id}/", {
    params: { path: { id: milestoneId } },
  });
  if (milestone.error) throw new Error(milestone.error.error.message);
  const { data, error } = await client.POST("/api/v1/milestones/{id}/payments/", {
    params: { path: { id: milestoneId }, header: { "Idempotency-Key": idempotencyKey } },
    body: {
      amount: milestone.data.amount,
      currency: milestone.data.currency ?? "CNY",
      paid_on: new Date().toISOString().slice(0, 10),
      reference: `BANK-${milestoneId}`,
    },
  });
  if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
  return data;
}

export async function rnpv(client: Client): Promise<number> {
  const body: RnpvInput = {
    discount_rate: 0.1,
    phases: [
      { name: "Phase I", years: 1, cost: 5, success_probability: 0.6 },
      { name: "Phase II", years: 2, cost: 20, success_probability: 0.4 },
    ],
    commercial: { peak_sales: 300, plateau_years: 5, ramp: [0.3, 0.7], cogs_rate: 0.2 },
  };
  const { data, error } = await client.POST("/api/v1/valuations/compute/rnpv/", { body });
  if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
  return data.rnpv;
}

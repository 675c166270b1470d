// The decision-step program and the batch loop (see pipeline.h).
#include "eq/pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <stdexcept>

#include "eq/gpu/eq_apply.h"
#include "eq/gpu/eq_baseline.h"
#include "eq/gpu/eq_control.h"
#include "eq/gpu/eq_explore.h"
#include "eq/gpu/eq_legal.h"
#include "eq/gpu/eq_min_bin.h"
#include "eq/gpu/eq_past_states.h"
#include "eq/gpu/eq_posterior.h"
#include "eq/gpu/eq_record.h"
#include "eq/gpu/eq_reduce.h"
#include "eq/gpu/eq_tokenize.h"
#include "eq/gpu/eq_voids.h"
#include "eq/gpu/eq_world_count.h"
#include "eq/gpu/eq_world_sample.h"
#include "eq/gpu/layout.h"
#include "eq/gpu_state.h"
#include "kernels/registry.h"
#include "util/error.h"
#include "util/timer.h"
#include "vk/context.h"

namespace eqvk::eq {

uint64_t pipeline_bytes(uint32_t games, uint32_t chunk, uint32_t window) {
    const uint64_t n = games, b = uint64_t(games) * chunk, past = b * window;
    uint64_t per_game = 4 * (gpu::ST_WORDS + gpu::VOID_WORDS + gpu::WT_WORDS + 1 + 1 + 7 + 7 +
                             7 * 85 + 1 + 2 + 1 + 4 + 28 * gpu::REC_WORDS + gpu::ACC_WORDS + 1 + 2);
    uint64_t per_world = 4 * (gpu::WORLD_WORDS + gpu::TOKEN_WORDS + gpu::MASK_WORDS + 1 + 7 + 1);
    // A past position: state words, opponents' hands, step word, tokens, mask, actor, Q, list and
    // row map; per batch the plan (a word per game), its control words and row count.
    uint64_t per_past = 4 * (gpu::ST_WORDS + gpu::WORLD_WORDS + 1 + gpu::TOKEN_WORDS +
                             gpu::MASK_WORDS + 1 + 7 + 1 + 1);
    return n * per_game + b * per_world + past * per_past +
           4 * (gpu::R_WORDS + gpu::CTRL_WORDS + 1 + gpu::ARGS_WORDS +
                (window ? n + gpu::CTRL_WORDS + 1 : 0));
}

uint64_t pipeline_total_bytes(const Evaluator& oracle, uint32_t games, uint32_t /*worlds*/,
                              uint32_t chunk, uint32_t window) {
    return pipeline_bytes(games, chunk, window) + oracle.weight_bytes() +
           oracle.record_bytes(games * chunk) +
           (window ? oracle.record_bytes(games * chunk * window) : 0);
}

std::pair<uint32_t, uint32_t> plan_batch(uint64_t max_games, uint32_t fixed_games, uint32_t worlds,
                                         uint64_t budget_bytes, uint64_t max_binding_bytes,
                                         const Evaluator& oracle, uint32_t window) {
    const uint64_t tokens_per_binding = max_binding_bytes / (gpu::TOKEN_WORDS * 4);
    // The smallest chunk: at most MAX_WORLD_CHUNKS chunks per decision step; the posterior's
    // weights need every world of a decision in one pass.
    const uint32_t min_chunk = window ? worlds : (worlds + MAX_WORLD_CHUNKS - 1) / MAX_WORLD_CHUNKS;
    auto fits = [&](uint32_t n, uint32_t chunk) {
        return uint64_t(n) * chunk * std::max(window, 1u) <= tokens_per_binding &&
               pipeline_total_bytes(oracle, n, worlds, chunk, window) <= budget_bytes;
    };
    uint32_t n = static_cast<uint32_t>(std::max<uint64_t>(1, std::min<uint64_t>(256, max_games)));
    if (fixed_games)
        n = std::min(fixed_games, n);
    else
        while (n > 1 && !fits(n, worlds)) n /= 2;
    uint32_t chunk = worlds;
    while (chunk > min_chunk && !fits(n, chunk)) chunk = std::max(min_chunk, (chunk + 1) / 2);
    if (!fits(n, chunk))
        throw InputError(fmt::format(
            "device.memory_budget_mb: {:.0f} MiB is too small: {} game(s) per batch with {} of "
            "the {} worlds at a time (at most {} chunks{}) need {:.0f} MiB, the oracle's weights "
            "{:.1f} MiB of it",
            budget_bytes / 1048576.0, n, chunk, worlds, window ? 1 : MAX_WORLD_CHUNKS,
            window ? fmt::format("; posterior.enabled: all worlds and {} past positions each at "
                                 "once",
                                 window)
                   : std::string(),
            pipeline_total_bytes(oracle, n, worlds, chunk, window) / 1048576.0,
            oracle.weight_bytes() / 1048576.0));
    return {n, chunk};
}

Pipeline::Pipeline(vk::Context& ctx, kernels::KernelCache& cache, Evaluator& oracle,
                   PipelineOptions options)
    : ctx_(ctx), options_(options) {
    const uint32_t n = options.games_per_batch, m = options.worlds;
    if (n == 0 || m == 0)
        throw std::invalid_argument("Pipeline: games_per_batch and worlds must be > 0");
    if (options.steps_per_submit == 0 || uint32_t(DECISIONS) % options.steps_per_submit != 0)
        throw std::invalid_argument(fmt::format("Pipeline: steps_per_submit {} does not divide {}",
                                                options.steps_per_submit, DECISIONS));
    const uint32_t per_pass = sampling_pass_worlds(options.sampling, m);
    const uint32_t chunk = options.world_chunk ? std::min(options.world_chunk, per_pass) : per_pass;
    const gpu::SamplingRule rule = sampling_rule(options.sampling, m);
    const uint32_t passes = sampling_passes(rule, chunk);
    if (chunk == 0 || passes > MAX_WORLD_PASSES)
        throw std::invalid_argument(
            fmt::format("Pipeline: {} passes of {} worlds per decision step (at most {}): lower "
                        "sampling.exact_max or sampling.max_worlds, or raise the worlds per pass",
                        passes, chunk, MAX_WORLD_PASSES));
    const PosteriorParams& post = options.posterior;
    if (post.enabled &&
        (rule.mode != gpu::MODE_FIXED || passes != 1 || post.window == 0 || post.window > 28))
        throw std::invalid_argument(fmt::format(
            "Pipeline: the posterior needs fixed sampling in one pass per decision (mode {}, {} "
            "passes of {} worlds; exact_max must be at most the worlds) and a window of 1..28 "
            "({})",
            rule.mode, passes, chunk, post.window));
    const uint64_t b = uint64_t(n) * chunk;  // worlds in flight
    auto make = [&](uint64_t words, const char* name) {
        buffers_.push_back(
            std::make_unique<vk::Buffer>(ctx, words * 4, vk::MemoryKind::DeviceLocal, name));
        return buffers_.back().get();
    };
    // Step 1. Buffers for N games × M worlds (shapes in eq/gpu/layout.h).
    rules_ = make(gpu::R_WORDS, "rules");
    state_ = make(uint64_t(gpu::ST_WORDS) * n, "state");
    voids_ = make(uint64_t(gpu::VOID_WORDS) * n, "voids");
    table_ = make(uint64_t(gpu::WT_WORDS) * n, "world table");
    legal_ = make(n, "legal");
    min_bin_ = make(n, "min_bin");
    worlds_ = make(gpu::WORLD_WORDS * b, "worlds");
    tokens_ = make(gpu::TOKEN_WORDS * b, "tokens");
    mask_ = make(gpu::MASK_WORDS * b, "mask");
    actor_ = make(b, "actor");
    q_ = make(7 * b, "q");
    e_q_ = make(7 * uint64_t(n), "e_q");
    var_ = make(7 * uint64_t(n), "var");
    pdf_ = make(7 * 85 * uint64_t(n), "pdf");
    action_ = make(n, "action");
    uncertainty_ = make(2 * uint64_t(n), "uncertainty");
    status_ = make(n, "apply status");
    records_ = make(uint64_t(28) * gpu::REC_WORDS * n, "records");
    acc_ = make(uint64_t(gpu::ACC_WORDS) * n, "sampling acc");
    list_ = make(n, "active games");
    ctrl_ = make(gpu::CTRL_WORDS, "sampling ctrl");
    rows_ = make(1, "oracle rows");
    args_ = make(gpu::ARGS_WORDS, "pass dispatch args");
    explore_ = make(4 * uint64_t(n), "explore");
    weights_ = make(b, "posterior weights");
    post_ = make(2 * uint64_t(n), "posterior stats");  // stays {0, 0} with the posterior off
    const uint64_t bp = b * post.window;               // past positions (posterior)
    if (post.enabled) {
        past_ = make(uint64_t(gpu::ST_WORDS) * bp, "past states");
        past_worlds_ = make(gpu::WORLD_WORDS * bp, "past worlds");
        steps_ = make(bp, "past steps");
        past_tokens_ = make(gpu::TOKEN_WORDS * bp, "past tokens");
        past_mask_ = make(gpu::MASK_WORDS * bp, "past mask");
        past_actor_ = make(bp, "past actor");
        q_past_ = make(7 * bp, "q past");
        past_list_ = make(bp, "past list");
        past_rows_ = std::make_unique<gpu::PastRowBuffers>(ctx, n, bp);
        std::vector<uint32_t> identity(bp);  // each past position is a "game" of one world
        for (uint64_t i = 0; i < bp; ++i) identity[i] = static_cast<uint32_t>(i);
        ctx.upload(*past_list_, identity.data(), bp * 4);
    }
    auto rules = rule_table_words();
    ctx.upload(*rules_, rules.data(), rules.size() * 4);
    {
        // A short batch's padding games read Q of worlds the oracle skips: keep those finite. The
        // posterior reads the worlds of every game and Q of every past row: zeros, not garbage.
        vk::Program init(ctx, "E[Q] init");
        init.fill(*q_, 0);
        init.fill(*post_, 0);
        if (post.enabled) {
            init.fill(*worlds_, 0);
            init.fill(*q_past_, 0);
        }
        init.run();
    }

    // Step 2. The decision step, recorded once.
    vk::ProgramOptions popt;
    popt.timestamps = options.timestamps;
    popt.repeat = options.steps_per_submit;
    step_ = std::make_unique<vk::Program>(ctx, "E[Q] decision step", popt);
    vk::Program& p = *step_;
    gpu::eq_voids(cache, p, *state_, *rules_, *voids_, n);
    gpu::eq_world_count(cache, p, *state_, *rules_, *voids_, *table_, n);
    gpu::eq_legal(cache, p, *state_, *rules_, *legal_, n);
    gpu::eq_min_bin(cache, p, *state_, *min_bin_, n, options.forge_compat);
    // Worlds in passes of `chunk` per active game: eq_control decides which games still take
    // worlds (fixed M, an exact enumeration, adaptive rounds) and compacts them; sample (counter
    // RNG indexed by the world, so passes change nothing), tokenise, evaluate the active rows only
    // (the oracle reads rows_, a prefix of its capacity), and accumulate the reduction in world
    // order. The last control step only finishes the counts; then the moments.
    for (uint32_t pass = 0; pass <= passes; ++pass) {
        gpu::eq_control(cache, p, *state_, *table_, *legal_, *var_, *acc_, *list_, *ctrl_, *rows_,
                        *args_, n, chunk, pass == 0, pass == passes, rule);
        if (pass == passes) break;
        gpu::WorldSampleArgs sample;
        sample.n_games = n;
        sample.pass_worlds = chunk;
        sample.run_seed = options.run_seed;
        const gpu::PassViews views{*list_, *acc_, *ctrl_, args_};
        gpu::eq_world_sample(cache, p, *state_, *table_, *worlds_, views, sample);
        gpu::eq_tokenize(cache, p, *state_, *rules_, *worlds_, *tokens_, *mask_, *actor_, *list_,
                         *ctrl_, n, chunk, options.forge_compat ? 1u : 0u, args_);
        oracle.record(cache, p, EvalIo{*tokens_, *mask_, *actor_, *rows_, *q_}, n * chunk);
        if (post.enabled) {  // The worlds' weights from their past positions (one pass).
            const uint32_t bp32 = static_cast<uint32_t>(bp);
            post_begin_ = p.size();
            // Only the scored steps of live worlds (eq_control's acc) are evaluated, compacted;
            // eq_past_states counts them for eq_tokenize (ctrl) and the oracle (rows).
            const gpu::PastRowBuffers& rows = *past_rows_;
            gpu::eq_past_states(cache, p, *state_, *rules_, *worlds_, *acc_, *past_, *past_worlds_,
                                *steps_, rows.views(), n, chunk, post.window,
                                static_cast<uint32_t>(post.score));
            gpu::eq_tokenize(cache, p, *past_, *rules_, *past_worlds_, *past_tokens_, *past_mask_,
                             *past_actor_, *past_list_, rows.ctrl, bp32, 1,
                             options.forge_compat ? 1u : 0u);
            oracle.record(cache, p,
                          EvalIo{*past_tokens_, *past_mask_, *past_actor_, rows.rows, *q_past_},
                          bp32);
            gpu::eq_posterior(cache, p, *q_past_, *steps_, *weights_, *post_, *acc_, rows.row_of, n,
                              chunk, post.window, post.tau, post.beta);
            post_end_ = p.size();
        }
        gpu::eq_reduce(cache, p, *q_, *e_q_, *var_, *pdf_, *list_, *acc_, *ctrl_, n, chunk, false,
                       args_,
                       post.enabled ? kernels::BufferView(*weights_) : kernels::BufferView());
    }
    gpu::eq_reduce(cache, p, *q_, *e_q_, *var_, *pdf_, *list_, *acc_, *ctrl_, n, chunk, true,
                   nullptr, post.enabled ? kernels::BufferView(*weights_) : kernels::BufferView());
    gpu::choose_move(cache, p, *e_q_, *var_, *pdf_, *legal_, *min_bin_, *action_, *uncertainty_, n,
                     options.rule);
    gpu::eq_explore(cache, p, *state_, *e_q_, *legal_, *action_, *explore_, n, options.explore,
                    options.run_seed);
    if (options.baseline_team >= 0)
        gpu::eq_baseline(cache, p, *state_, *rules_, *legal_, *action_, n,
                         static_cast<uint32_t>(options.baseline_team), options.baseline,
                         options.run_seed);
    gpu::eq_record(cache, p, *state_, *e_q_, *var_, *pdf_, *legal_, *action_, *uncertainty_,
                   *records_, *acc_, *explore_, *post_, n);
    gpu::eq_apply(cache, p, *state_, *rules_, *action_, *status_, n);
    p.finalize();
}

Pipeline::~Pipeline() = default;

std::vector<GameRecord> Pipeline::play(std::span<const uint64_t> seeds, std::span<const int> decls,
                                       int bidder) {
    const uint32_t n = options_.games_per_batch;
    if (seeds.empty() || seeds.size() > n || decls.size() != seeds.size())
        throw std::invalid_argument(
            fmt::format("Pipeline::play: {} games ({} decls) for a batch of {}", seeds.size(),
                        decls.size(), n));
    // Step 1. Initial states (a short batch repeats its last game; the copies are dropped).
    std::vector<game::State> states;
    std::vector<GameInfo> infos;
    for (uint32_t g = 0; g < n; ++g) {
        size_t i = std::min<size_t>(g, seeds.size() - 1);
        states.push_back(initial_state(seeds[i], decls[i]));
        infos.push_back({seeds[i], bidder});
    }
    auto words = pack_states(states, infos);
    ctx_.upload(*state_, words.data(), words.size() * 4);
    const uint32_t ctrl[gpu::CTRL_WORDS] = {static_cast<uint32_t>(seeds.size()), 0};
    ctx_.upload(*ctrl_, ctrl, sizeof(ctrl));

    // Step 2. 28 decision steps, steps_per_submit per submit, no read-back; the stop flag is read
    // before each submit.
    for (uint32_t d = 0; d < uint32_t(DECISIONS); d += options_.steps_per_submit) {
        if (options_.stop && options_.stop->load()) throw Interrupted("interrupted");
        step_->submit();
        Timer t;
        step_->wait();
        stats_.host_wait_s += t.seconds();
        ++stats_.submits;
        const auto timings = step_->timings();
        for (size_t i = 0; i < timings.size(); ++i)  // the posterior's share shows by its prefix
            stats_.gpu_ms[(i >= post_begin_ && i < post_end_ ? "posterior/" : "") +
                          timings[i].label] += timings[i].ms;
    }

    // Step 3. Read back the records and the final states; every move must have been applied.
    std::vector<uint32_t> status(n), rec(size_t(n) * 28 * gpu::REC_WORDS);
    ctx_.download(*status_, status.data(), n * 4);
    ctx_.download(*records_, rec.data(), rec.size() * 4);
    std::vector<GameRecord> out(seeds.size());
    for (size_t g = 0; g < seeds.size(); ++g) {
        if (status[g] != static_cast<uint32_t>(gpu::ApplyStatus::Applied))
            throw Error(fmt::format("game {}: the last move was not applied (status {})", seeds[g],
                                    status[g]));
        GameRecord& r = out[g];
        r.seed = seeds[g];
        r.decl = decls[g];
        r.bidder = bidder;
        for (int d = 0; d < DECISIONS; ++d) {
            const uint32_t* w = &rec[(g * 28 + d) * gpu::REC_WORDS];
            if (w[gpu::REC_NONFINITE] != 0)  // the GPU-side guard (eq_record): refuse the label
                throw NonFiniteError(fmt::format(
                    "non-finite label in game seed {}, decision {}: {} of its 7 E[Q] and 7 Var "
                    "values are NaN or infinite (the oracle's output overflowed)",
                    seeds[g], d, w[gpu::REC_NONFINITE]));
            DecisionRecord& dr = r.decisions[d];
            auto f = [&](uint32_t i) { return std::bit_cast<float>(w[i]); };
            for (int s = 0; s < SLOTS; ++s) {
                dr.e_q[s] = f(gpu::REC_EQ + s);
                dr.var[s] = f(gpu::REC_VAR + s);
            }
            for (int i = 0; i < SLOTS * PDF_BINS; ++i) dr.pdf[i] = f(gpu::REC_PDF + i);
            dr.player = static_cast<uint8_t>(w[gpu::REC_PLAYER]);
            dr.action = static_cast<int8_t>(static_cast<int32_t>(w[gpu::REC_ACTION]));
            dr.legal = static_cast<uint8_t>(w[gpu::REC_LEGAL]);
            dr.n_samples = w[gpu::REC_SAMPLES];
            dr.u_mean = f(gpu::REC_UMEAN);
            dr.u_max = f(gpu::REC_UMAX);
            for (int s = 0; s < SLOTS; ++s) dr.sem[s] = f(gpu::REC_SEM + s);
            dr.exact = (w[gpu::REC_FLAGS] & gpu::ACC_EXACT) != 0;
            dr.converged = (w[gpu::REC_FLAGS] & gpu::ACC_CONVERGED) != 0;
            dr.world_count = w[gpu::REC_WORLD_COUNT];
            stats_.worlds += dr.n_samples;
            dr.exploration_mode = static_cast<uint8_t>(w[gpu::REC_EXPLORE_MODE]);
            dr.greedy_action = static_cast<int8_t>(static_cast<int32_t>(w[gpu::REC_GREEDY]));
            dr.q_gap = f(gpu::REC_QGAP);
            dr.action_entropy = f(gpu::REC_ENTROPY);
            dr.ess = f(gpu::REC_ESS);
            dr.max_w = f(gpu::REC_MAXW);
        }
    }
    stats_.games += seeds.size();
    stats_.decisions += seeds.size() * DECISIONS;
    return out;
}

}  // namespace eqvk::eq
